#include "store/secret_wire.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "util/secret_json.h"
#include "util/time_format.h"

namespace stsh::store {

namespace {

using nlohmann::json;

constexpr std::array<std::pair<SecretCall, const char*>, 5> k_calls = {{
    {SecretCall::probe, "SecretProbe"},
    {SecretCall::get, "SecretGet"},
    {SecretCall::put, "SecretPut"},
    {SecretCall::remove, "SecretRemove"},
    {SecretCall::list, "SecretList"},
}};

const char* call_name(SecretCall call) {
  for (const auto& [value, name] : k_calls) {
    if (value == call) return name;
  }
  return "SecretProbe";
}

std::optional<SecretCall> call_from_name(std::string_view name) {
  for (const auto& [value, known] : k_calls) {
    if (name == known) return value;
  }
  return std::nullopt;
}

template <class T, class F>
Result<T> with_json(std::string_view text, const char* malformed, F use) {
  return util::with_secret_json<T>(text, Error{ErrorKind::internal, malformed}, use);
}

// Dumps and wipes; a value that is not UTF-8 makes an error response rather than an exception.
std::string dump_and_wipe(json& doc) {
  std::string out;
  try {
    out = doc.dump();
  } catch (const json::exception&) {
    out = encode_secret_error(Error{ErrorKind::internal, "the keyring holds an stsh item that is not text"});
  }
  util::wipe_json_strings(doc);
  return out;
}

const char* k_malformed_response = "the network helper sent a malformed message";

template <class T, class F>
Result<T> decode_response(std::string_view text, F success) {
  return with_json<T>(text, k_malformed_response, [&](const json& doc) -> Result<T> {
    try {
      if (!doc.value("ok", false)) {
        int kind = doc.value("kind", static_cast<int>(ErrorKind::internal));
        if (kind < 1 || kind > static_cast<int>(ErrorKind::interaction)) kind = static_cast<int>(ErrorKind::internal);
        return fail(static_cast<ErrorKind>(kind), doc.value("message", "the network helper failed"));
      }
      return success(doc);
    } catch (const json::exception&) {
      return fail(ErrorKind::internal, k_malformed_response);
    }
  });
}

json ok() { return json{{"ok", true}}; }

}  // namespace

bool is_secret_request(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  bool secret = doc.is_object() && doc.contains("call") && doc.at("call").is_string() &&
                doc.at("call").get_ref<const std::string&>().starts_with("Secret");
  util::wipe_json_strings(doc);
  return secret;
}

bool is_storable_text(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    auto byte = static_cast<unsigned char>(value[i]);
    if (byte == 0) return false;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
    if (length == 0 || byte > 0xF4 || i + length > value.size()) return false;
    char32_t code = byte & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(value[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    constexpr char32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < k_smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string encode_secret_request(const SecretRequest& request) {
  json doc = {{"call", call_name(request.call)}};
  if (request.call == SecretCall::get || request.call == SecretCall::put || request.call == SecretCall::remove) {
    doc["item"] = request.item;
  }
  if (request.call == SecretCall::put) {
    // Callers check is_storable_text first; replacing keeps a stray byte from throwing.
    doc["value"] = std::string(request.value.reveal());
    if (request.expiration) doc["expiration"] = util::format_iso8601(*request.expiration);
  }
  std::string out = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  util::wipe_json_strings(doc);
  return out;
}

Result<SecretRequest> decode_secret_request(std::string_view text) {
  constexpr const char* k_malformed = "malformed secret-store request to the network helper";
  return with_json<SecretRequest>(text, k_malformed, [&](const json& doc) -> Result<SecretRequest> {
    try {
      std::string name = doc.at("call").get<std::string>();
      auto call = call_from_name(name);
      if (!call) return fail(ErrorKind::internal, "unknown call '" + name + "' for the network helper");
      SecretRequest request;
      request.call = *call;
      if (*call == SecretCall::get || *call == SecretCall::put || *call == SecretCall::remove) {
        request.item = doc.at("item").get<std::string>();
        if (request.item.empty()) return fail(ErrorKind::internal, "secret-store request without an item name");
      }
      if (*call == SecretCall::put) {
        request.value = util::Secret(doc.at("value").get<std::string>());
        if (doc.contains("expiration") && !doc.at("expiration").is_null()) {
          request.expiration = util::parse_iso8601(doc.at("expiration").get<std::string>());
          if (!request.expiration) return fail(ErrorKind::internal, "secret-store request with a bad expiration");
        }
      }
      return request;
    } catch (const json::exception&) {
      return fail(ErrorKind::internal, k_malformed);
    }
  });
}

std::string encode_secret_error(const Error& error) {
  json doc = {{"ok", false}, {"kind", static_cast<int>(error.kind)}, {"message", error.message}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string serve_secret_request(ServedSecretStore& store, const SecretRequest& request) {
  switch (request.call) {
    case SecretCall::probe: {
      Availability availability = store.probe();
      json doc = {{"ok", true}, {"available", availability.available}, {"detail", availability.detail}};
      return doc.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    case SecretCall::get: {
      auto value = store.get(request.item);
      if (!value) return encode_secret_error(value.error());
      json doc = ok();
      doc["found"] = value->has_value();
      if (*value) doc["value"] = std::string((*value)->reveal());
      return dump_and_wipe(doc);
    }
    case SecretCall::put: {
      auto done = store.put(request.item, request.value, request.expiration);
      return done ? ok().dump() : encode_secret_error(done.error());
    }
    case SecretCall::remove: {
      auto done = store.remove(request.item);
      return done ? ok().dump() : encode_secret_error(done.error());
    }
    case SecretCall::list: {
      auto items = store.list();
      if (!items) return encode_secret_error(items.error());
      json list = json::array();
      for (const auto& info : *items) {
        json entry = {{"name", info.name}};
        if (info.expiration) entry["expiration"] = util::format_iso8601(*info.expiration);
        list.push_back(std::move(entry));
      }
      json doc = ok();
      doc["items"] = std::move(list);
      return doc.dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  return encode_secret_error(Error{ErrorKind::internal, "unknown secret-store call"});
}

Result<Availability> decode_probe_response(std::string_view text) {
  return decode_response<Availability>(text, [](const json& doc) -> Result<Availability> {
    return Availability{doc.at("available").get<bool>(), doc.value("detail", "")};
  });
}

Result<std::optional<util::Secret>> decode_get_response(std::string_view text) {
  using Value = std::optional<util::Secret>;
  return decode_response<Value>(text, [](const json& doc) -> Result<Value> {
    if (!doc.at("found").get<bool>()) return Value{};
    return Value{util::Secret(doc.at("value").get<std::string>())};
  });
}

Result<void> decode_done_response(std::string_view text) {
  return decode_response<void>(text, [](const json&) -> Result<void> { return {}; });
}

Result<std::vector<ItemInfo>> decode_list_response(std::string_view text) {
  using Items = std::vector<ItemInfo>;
  return decode_response<Items>(text, [](const json& doc) -> Result<Items> {
    Items items;
    for (const auto& entry : doc.at("items")) {
      ItemInfo info{entry.at("name").get<std::string>(), std::nullopt};
      if (entry.contains("expiration")) {
        info.expiration = util::parse_iso8601(entry.at("expiration").get<std::string>());
        if (!info.expiration) return fail(ErrorKind::internal, "the network helper sent a bad expiration");
      }
      items.push_back(std::move(info));
    }
    return items;
  });
}

}  // namespace stsh::store

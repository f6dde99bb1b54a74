#include "aws/sts_wire.h"

#include <nlohmann/json.hpp>

#include "util/secret_json.h"
#include "util/time_format.h"

namespace stsh::aws {

namespace {

using nlohmann::json;

const Error k_malformed{ErrorKind::internal, "the network helper sent a malformed message"};

template <class T, class F>
Result<T> with_json(std::string_view text, F use) {
  return util::with_secret_json<T>(text, k_malformed, use);
}

json encode_credentials(const Credentials& c) {
  json out = {{"AccessKeyId", c.access_key_id},
              {"SecretAccessKey", std::string(c.secret_access_key.reveal())},
              {"SessionToken", std::string(c.session_token.reveal())}};
  if (c.expiration) out["Expiration"] = util::format_iso8601(*c.expiration);
  return out;
}

Result<Credentials> decode_credentials(const json& in) {
  if (!in.is_object() || !in.contains("AccessKeyId") || !in.contains("SecretAccessKey")) {
    return fail(ErrorKind::internal, "the network helper sent credentials without keys");
  }
  Credentials c;
  c.access_key_id = in.value("AccessKeyId", "");
  c.secret_access_key = util::Secret(in.value("SecretAccessKey", ""));
  c.session_token = util::Secret(in.value("SessionToken", ""));
  if (in.contains("Expiration")) {
    c.expiration = util::parse_iso8601(in.value("Expiration", ""));
    if (!c.expiration) return fail(ErrorKind::internal, "the network helper sent a bad Expiration");
  }
  return c;
}

template <class T>
void put_optional(json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}

template <class T>
std::optional<T> get_optional(const json& in, const char* key) {
  if (!in.contains(key) || in.at(key).is_null()) return std::nullopt;
  return in.at(key).get<T>();
}

std::string dump_and_wipe(json& doc) {
  std::string out = doc.dump();
  util::wipe_json_strings(doc);
  return out;
}

}  // namespace

std::string encode_request(const WireRequest& request) {
  json doc = {{"region", request.region}, {"caller", encode_credentials(request.caller)}};
  if (auto* p = std::get_if<GetSessionTokenParams>(&request.call)) {
    doc["call"] = "GetSessionToken";
    put_optional(doc, "SerialNumber", p->mfa_serial);
    put_optional(doc, "TokenCode", p->token_code);
    put_optional(doc, "DurationSeconds", p->duration_seconds);
  } else if (auto* a = std::get_if<AssumeRoleParams>(&request.call)) {
    doc["call"] = "AssumeRole";
    doc["RoleArn"] = a->role_arn;
    doc["RoleSessionName"] = a->role_session_name;
    put_optional(doc, "ExternalId", a->external_id);
    put_optional(doc, "SerialNumber", a->mfa_serial);
    put_optional(doc, "TokenCode", a->token_code);
    put_optional(doc, "DurationSeconds", a->duration_seconds);
  } else {
    doc["call"] = "GetCallerIdentity";
  }
  return dump_and_wipe(doc);
}

Result<WireRequest> decode_request(std::string_view text) {
  return with_json<WireRequest>(text, [](const json& doc) -> Result<WireRequest> {
    try {
      WireRequest request;
      request.region = doc.at("region").get<std::string>();
      auto caller = decode_credentials(doc.at("caller"));
      if (!caller) return std::unexpected(caller.error());
      request.caller = std::move(*caller);
      std::string call = doc.at("call").get<std::string>();
      if (call == "GetSessionToken") {
        request.call = GetSessionTokenParams{get_optional<std::string>(doc, "SerialNumber"),
                                             get_optional<std::string>(doc, "TokenCode"),
                                             get_optional<int>(doc, "DurationSeconds")};
      } else if (call == "AssumeRole") {
        AssumeRoleParams p;
        p.role_arn = doc.at("RoleArn").get<std::string>();
        p.role_session_name = doc.at("RoleSessionName").get<std::string>();
        p.external_id = get_optional<std::string>(doc, "ExternalId");
        p.mfa_serial = get_optional<std::string>(doc, "SerialNumber");
        p.token_code = get_optional<std::string>(doc, "TokenCode");
        p.duration_seconds = get_optional<int>(doc, "DurationSeconds");
        request.call = std::move(p);
      } else if (call != "GetCallerIdentity") {
        return fail(ErrorKind::internal, "unknown call '" + call + "' for the network helper");
      }
      return request;
    } catch (const json::exception&) {
      return fail(ErrorKind::internal, "malformed request to the network helper");
    }
  });
}

std::string encode_error(const Error& error) {
  json doc = {{"ok", false}, {"kind", static_cast<int>(error.kind)}, {"message", error.message}};
  return doc.dump();
}

std::string serve_request(StsService& service, const WireRequest& request) {
  if (std::holds_alternative<std::monostate>(request.call)) {
    auto identity = service.get_caller_identity(request.caller);
    if (!identity) return encode_error(identity.error());
    json doc = {{"ok", true},
                {"identity", {{"Account", identity->account}, {"Arn", identity->arn}, {"UserId", identity->user_id}}}};
    return doc.dump();
  }
  auto credentials = std::holds_alternative<GetSessionTokenParams>(request.call)
                         ? service.get_session_token(request.caller, std::get<GetSessionTokenParams>(request.call))
                         : service.assume_role(request.caller, std::get<AssumeRoleParams>(request.call));
  if (!credentials) return encode_error(credentials.error());
  json doc = {{"ok", true}, {"credentials", encode_credentials(*credentials)}};
  return dump_and_wipe(doc);
}

namespace {

template <class T, class F>
Result<T> decode_response(std::string_view text, F success) {
  return with_json<T>(text, [&](const json& doc) -> Result<T> {
    if (!doc.value("ok", false)) {
      int kind = doc.value("kind", static_cast<int>(ErrorKind::internal));
      if (kind < 1 || kind > static_cast<int>(ErrorKind::interaction)) kind = static_cast<int>(ErrorKind::internal);
      return fail(static_cast<ErrorKind>(kind), doc.value("message", "the network helper failed"));
    }
    return success(doc);
  });
}

}  // namespace

Result<Credentials> decode_credentials_response(std::string_view text) {
  return decode_response<Credentials>(text, [](const json& doc) -> Result<Credentials> {
    if (!doc.contains("credentials")) return fail(ErrorKind::internal, "the network helper sent no credentials");
    return decode_credentials(doc.at("credentials"));
  });
}

Result<CallerIdentity> decode_identity_response(std::string_view text) {
  return decode_response<CallerIdentity>(text, [](const json& doc) -> Result<CallerIdentity> {
    const json& id = doc.value("identity", json::object());
    return CallerIdentity{id.value("Account", ""), id.value("Arn", ""), id.value("UserId", "")};
  });
}

}  // namespace stsh::aws

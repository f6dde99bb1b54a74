#include "store/key_record.h"

#include <nlohmann/json.hpp>

#include "util/secret_json.h"
#include "util/strings.h"

namespace stsh::store {

util::Secret encode_key_record(const KeyRecord& record) {
  nlohmann::ordered_json doc;
  doc["Version"] = 1;
  doc["AccessKeyId"] = record.keys.access_key_id;
  doc["SecretAccessKey"] = std::string(record.keys.secret_access_key.reveal());
  if (record.user) doc["User"] = *record.user;
  if (record.mfa_serial) doc["MfaSerial"] = *record.mfa_serial;
  if (record.arn_prefix) doc["ArnPrefix"] = *record.arn_prefix;
  util::Secret out(doc.dump());
  util::wipe_json_strings(doc);
  return out;
}

Result<KeyRecord> decode_key_record(const util::Secret& value, std::string_view item) {
  nlohmann::json doc = nlohmann::json::parse(value.reveal(), nullptr, false);
  auto text = [&](const char* name) -> std::optional<std::string> {
    if (!doc.is_object() || !doc.contains(name) || !doc[name].is_string()) return std::nullopt;
    return doc[name].get<std::string>();
  };
  auto id = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  if (!id || !secret || id->empty() || secret->empty()) {
    return fail(ErrorKind::io,
                "stored item " + std::string(item) + " is not a key record; remove it and add the keys again");
  }
  KeyRecord record;
  record.keys.access_key_id = std::move(*id);
  record.keys.secret_access_key = util::Secret(std::move(*secret));
  record.user = text("User");
  record.mfa_serial = text("MfaSerial");
  record.arn_prefix = text("ArnPrefix");
  util::wipe_json_strings(doc);
  return record;
}

std::string keys_item(std::string_view account) { return "keys/" + util::to_lower(account); }
std::string session_item(std::string_view account) { return "session/" + util::to_lower(account); }

}  // namespace stsh::store

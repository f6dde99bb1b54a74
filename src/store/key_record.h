#pragma once
// What a backend holds for an account: its long-lived keys and the seed's
// facts about it, as one small JSON document inside a Secret.

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "util/error.h"
#include "util/secret.h"

namespace stsh::store {

struct KeyRecord {
  aws::Credentials keys;                  // long-lived: no token, no expiration
  std::optional<std::string> user;        // the seed's NAME.user
  std::optional<std::string> mfa_serial;  // explicit MFA device ARN
  std::optional<std::string> arn_prefix;  // the accounts file's prefix, kept with the keys
};

util::Secret encode_key_record(const KeyRecord& record);
Result<KeyRecord> decode_key_record(const util::Secret& value, std::string_view item);

// Item names: "keys/NAME" (NAME lower-cased) and "session/NAME".
std::string keys_item(std::string_view account);
std::string session_item(std::string_view account);

}  // namespace stsh::store

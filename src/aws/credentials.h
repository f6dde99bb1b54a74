#pragma once
// The AWS credential value: long-lived keys or a session.

#include <optional>
#include <string>

#include "util/clock.h"
#include "util/secret.h"

namespace stsh::aws {

struct Credentials {
  std::string access_key_id;
  util::Secret secret_access_key;
  util::Secret session_token;                 // empty for long-lived keys
  std::optional<util::TimePoint> expiration;  // absent for long-lived keys

  bool is_session() const { return !session_token.empty(); }
};

// "AKIA…WXYZ" style: enough to tell keys apart in messages, never the whole id.
std::string redact_key_id(std::string_view access_key_id);

}  // namespace stsh::aws

#pragma once
// The secret-store calls between stsh and its helper (stsh-net), framed like
// aws/sts_wire.h: one JSON request on the helper's stdin, one JSON response
// on its stdout. The Secret Service is reached through libsecret, which a
// static stsh cannot load; pipes keep the secrets out of argv.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/secret_store.h"

namespace stsh::store {

enum class SecretCall { probe, get, put, remove, list };

struct SecretRequest {
  SecretCall call = SecretCall::probe;
  std::string item;                           // get, put, remove
  util::Secret value;                         // put
  std::optional<util::TimePoint> expiration;  // put
};

// A store the helper serves: a SecretStore that can also say whether it is usable.
class ServedSecretStore : public SecretStore {
 public:
  virtual Availability probe() = 0;
};

// True when `text` asks for a secret-store call ("call": "Secret...") rather than STS.
bool is_secret_request(std::string_view text);

// The Secret Service holds text: valid UTF-8 without NUL bytes.
bool is_storable_text(std::string_view value);

std::string encode_secret_request(const SecretRequest& request);
Result<SecretRequest> decode_secret_request(std::string_view text);

// Runs `request` against `store` and encodes the outcome, errors included.
std::string serve_secret_request(ServedSecretStore& store, const SecretRequest& request);
std::string encode_secret_error(const Error& error);

Result<Availability> decode_probe_response(std::string_view text);
Result<std::optional<util::Secret>> decode_get_response(std::string_view text);
// The answer to a put or a remove.
Result<void> decode_done_response(std::string_view text);
Result<std::vector<ItemInfo>> decode_list_response(std::string_view text);

}  // namespace stsh::store

#pragma once
// The two primitives SigV4 needs, from libcrypto loaded at run time.

#include <array>
#include <cstdint>
#include <string_view>

#include "util/error.h"

namespace stsh::aws {

using Digest = std::array<std::uint8_t, 32>;

class Crypto {
 public:
  virtual ~Crypto() = default;
  virtual Digest sha256(std::string_view data) const = 0;
  virtual Digest hmac_sha256(std::string_view key, std::string_view data) const = 0;
};

// OpenSSL's libcrypto via dlopen; loaded once, then shared.
Result<const Crypto*> openssl_crypto();

std::string hex_encode(const Digest& digest);

}  // namespace stsh::aws

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "aws/crypto.h"
#include "util/dynlib.h"

namespace stsh::aws {
namespace {

// The Crypto interface returns plain digests, so a failure after loading has
// no error channel; it can only mean OpenSSL could not allocate, so stop.
[[noreturn]] void crypto_failure(const char* what) {
  std::fprintf(stderr, "stsh: internal error: libcrypto %s failed\n", what);
  std::abort();
}

class OpenSslCrypto final : public Crypto {
 public:
  static Result<OpenSslCrypto> load() {
    auto lib = util::DynamicLibrary::open({"libcrypto.so.3", "libcrypto.so"}, "OpenSSL libcrypto");
    if (!lib) return std::unexpected(lib.error());
    auto digest = lib->symbol<decltype(&EVP_Digest)>("EVP_Digest");
    if (!digest) return std::unexpected(digest.error());
    auto sha256 = lib->symbol<decltype(&EVP_sha256)>("EVP_sha256");
    if (!sha256) return std::unexpected(sha256.error());
    auto hmac = lib->symbol<decltype(&HMAC)>("HMAC");
    if (!hmac) return std::unexpected(hmac.error());

    // A broken OpenSSL configuration (no default provider) shows up here as
    // a clean error rather than later as an abort mid-request.
    const EVP_MD* md = (*sha256)();
    if (md == nullptr) return fail(ErrorKind::config, "libcrypto (" + lib->name() + ") offers no SHA-256");
    return OpenSslCrypto(std::move(*lib), *digest, md, *hmac);
  }

  Digest sha256(std::string_view data) const override {
    Digest out{};
    unsigned int size = 0;
    if (m_digest(data.data(), data.size(), out.data(), &size, m_md, nullptr) != 1 || size != out.size()) {
      crypto_failure("SHA-256");
    }
    return out;
  }

  Digest hmac_sha256(std::string_view key, std::string_view data) const override {
    // SigV4 keys are secrets or 32-byte digests, never near INT_MAX.
    if (key.size() > static_cast<std::size_t>(INT_MAX)) crypto_failure("HMAC-SHA256 (key too long)");
    Digest out{};
    unsigned int size = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    if (m_hmac(m_md, key.data(), static_cast<int>(key.size()), bytes, data.size(), out.data(), &size) == nullptr ||
        size != out.size()) {
      crypto_failure("HMAC-SHA256");
    }
    return out;
  }

 private:
  OpenSslCrypto(util::DynamicLibrary lib, decltype(&EVP_Digest) digest, const EVP_MD* md, decltype(&HMAC) hmac)
      : m_lib(std::move(lib)), m_digest(digest), m_md(md), m_hmac(hmac) {}

  util::DynamicLibrary m_lib;
  decltype(&EVP_Digest) m_digest;
  const EVP_MD* m_md;
  decltype(&HMAC) m_hmac;
};

}  // namespace

Result<const Crypto*> openssl_crypto() {
  // A function-local static: loaded on first use, once, even across threads.
  static const Result<OpenSslCrypto> instance = OpenSslCrypto::load();
  if (!instance) return std::unexpected(instance.error());
  return &*instance;
}

std::string hex_encode(const Digest& digest) {
  static constexpr char k_hex_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (std::uint8_t byte : digest) {
    out += k_hex_digits[byte >> 4];
    out += k_hex_digits[byte & 0x0f];
  }
  return out;
}

}  // namespace stsh::aws

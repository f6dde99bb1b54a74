#include "store/keychain_store_macos.h"
#include "store/platform_backend.h"

namespace stsh::store {

std::vector<PlatformBackend> platform_backends() {
  return {
      {"keychain", true,
       [] {
         return Availability{true, "the macOS login Keychain"};
       },
       [](const util::Clock&) -> Result<std::unique_ptr<SecretStore>> { return std::make_unique<KeychainStore>(); }}};
}

}  // namespace stsh::store

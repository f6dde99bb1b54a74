#include "store/platform_backend.h"
#include "store/wincred_store_windows.h"

namespace stsh::store {

std::vector<PlatformBackend> platform_backends() {
  return {
      {"wincred", true,
       [] {
         return Availability{true, "Windows Credential Manager"};
       },
       [](const util::Clock&) -> Result<std::unique_ptr<SecretStore>> { return std::make_unique<WincredStore>(); }}};
}

}  // namespace stsh::store

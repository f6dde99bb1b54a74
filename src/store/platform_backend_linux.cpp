#include "store/keyctl_store_linux.h"
#include "store/platform_backend.h"

namespace stsh::store {

std::vector<PlatformBackend> platform_backends() {
  return {{"keyctl", false, [] { return KeyctlStore::probe(); },
           [](const util::Clock& clock) -> Result<std::unique_ptr<SecretStore>> {
             auto availability = KeyctlStore::probe();
             if (!availability.available) {
               return fail(ErrorKind::config, "the keyctl backend is unavailable: " + availability.detail);
             }
             return std::make_unique<KeyctlStore>(clock);
           }}};
}

}  // namespace stsh::store

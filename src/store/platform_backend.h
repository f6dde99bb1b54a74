#pragma once
// The operating system's own stores: macOS Keychain, Windows Credential
// Manager, the Linux kernel keyring. One file per system
// (platform_backend_{linux,macos,windows}.cpp), chosen by CMake.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/secret_store.h"
#include "util/clock.h"

namespace stsh::store {

struct PlatformBackend {
  std::string name;
  bool by_default;  // tried when none is chosen (keyctl is not: it forgets at reboot)
  std::function<Availability()> probe;
  std::function<Result<std::unique_ptr<SecretStore>>(const util::Clock&)> open;
};

std::vector<PlatformBackend> platform_backends();

}  // namespace stsh::store

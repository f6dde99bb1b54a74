#pragma once
// macOS Keychain: generic passwords of service "stsh", account = item name.
// Compiled only on macOS (CMake picks *_macos.cpp there).

#include "store/secret_store.h"

namespace stsh::store {

class KeychainStore final : public SecretStore {
 public:
  std::string_view backend() const override { return "keychain"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;
};

}  // namespace stsh::store

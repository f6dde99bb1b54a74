#pragma once
// Windows Credential Manager: generic credentials named "stsh:ITEM".
// Compiled only on Windows (CMake picks *_windows.cpp there).

#include "store/secret_store.h"

namespace stsh::store {

class WincredStore final : public SecretStore {
 public:
  std::string_view backend() const override { return "wincred"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;
};

}  // namespace stsh::store

#pragma once
// Secrets in the Linux kernel's user keyring (keyctl): "user" keys named
// "stsh:ITEM", readable by every process of the user, whichever session.
// An item's expiration is also the key's kernel timeout, and is kept as
// text in a companion key "stsh-exp:ITEM" so that list() can report it.

#include "store/secret_store.h"

namespace stsh::store {

class KeyctlStore final : public SecretStore {
 public:
  explicit KeyctlStore(const util::Clock& clock) : m_clock(clock) {}

  std::string_view backend() const override { return "keyctl"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;

  // Whether this process can use its user keyring (containers often forbid keyctl).
  static Availability probe();

 private:
  const util::Clock& m_clock;
};

}  // namespace stsh::store

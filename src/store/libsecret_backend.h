#pragma once
// The freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet) through
// libsecret, loaded at run time. Only the helper stsh-net serves it: the
// static stsh binary cannot load shared libraries.

#include "store/secret_wire.h"

namespace stsh::store {

// Items live in the default collection under the schema "org.stsh.Item" with
// the attributes "item" (the name) and, for sessions, "expiration", so that
// list() reads names and expiry without unlocking anything.
class LibsecretStore final : public ServedSecretStore {
 public:
  std::string_view backend() const override { return "secret-service"; }
  // Never prompts: says which service answers and whether its keyring is locked.
  Availability probe() override;
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;
};

}  // namespace stsh::store

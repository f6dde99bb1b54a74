#pragma once
// The freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet) as seen
// from the static stsh binary: every call runs the helper stsh-net, which
// loads libsecret and talks D-Bus (see store/secret_wire.h).

#include "store/secret_store.h"
#include "util/file_system.h"

namespace stsh::store {

class SecretServiceStore final : public SecretStore {
 public:
  // `helper` is stsh-net (cli::find_network_helper finds it).
  explicit SecretServiceStore(util::Path helper) : m_helper(std::move(helper)) {}

  // Whether a Secret Service answers on the session bus; never prompts.
  static Availability probe(const util::Path& helper);

  std::string_view backend() const override { return "secret-service"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;

 private:
  util::Path m_helper;
};

}  // namespace stsh::store

#pragma once
// Where long-lived keys and cached sessions are kept: one small interface,
// one file per backend (secret-service, keyctl, file, plaintext; macOS
// Keychain and Windows Credential Manager on those systems).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"
#include "util/error.h"
#include "util/secret.h"

namespace stsh::store {

// Items are named "keys/NAME" (long-lived keys of an account or profile)
// and "session/KEY" (a cached session). The value is an opaque secret
// (stsh stores a small JSON document in it).
struct ItemInfo {
  std::string name;
  std::optional<util::TimePoint> expiration;  // readable without unlocking
};

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  virtual std::string_view backend() const = 0;
  // std::nullopt when there is no such item.
  virtual Result<std::optional<util::Secret>> get(std::string_view item) = 0;
  // Replaces the item atomically: a reader sees the old value or the new.
  virtual Result<void> put(std::string_view item, const util::Secret& value,
                           std::optional<util::TimePoint> expiration) = 0;
  // Removing a missing item is not an error.
  virtual Result<void> remove(std::string_view item) = 0;
  // Names and expiry of every stsh item, without unlocking anything.
  virtual Result<std::vector<ItemInfo>> list() = 0;
};

struct Availability {
  bool available = false;
  std::string detail;  // why not, or what it is ("GNOME Keyring via D-Bus", "kernel user keyring: until reboot")
};

}  // namespace stsh::store

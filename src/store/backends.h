#pragma once
// Which backend holds stsh's secrets: --backend, STSH_BACKEND, the
// `backend` key of stsh's own config file, else the first available of
// default_order(). keyctl (forgets at reboot) and plaintext are used only
// when chosen.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/secret_store.h"
#include "util/environment.h"
#include "util/file_system.h"
#include "util/terminal.h"

namespace stsh::store {

// Every backend this build knows: the system's own store first (keychain,
// wincred) where there is one, then secret-service, file, keyctl, plaintext.
std::vector<std::string> backend_names();
// Tried in this order when none is chosen: the system's store,
// secret-service, file.
std::vector<std::string> default_order();

struct StoreDeps {
  util::FileSystem& fs;
  const util::Environment& env;
  const util::Clock& clock;
  util::Terminal& terminal;
  std::function<std::string()> exe_path;  // to find the stsh-net helper
};

struct BackendStatus {
  std::string name;
  Availability availability;
};

// Every backend with whether it works here and why (for `stsh backends`).
std::vector<BackendStatus> probe_backends(StoreDeps& deps);

// The backend's name, from the flag, STSH_BACKEND, stsh's config file, or
// the first available in the default order.
Result<std::string> choose_backend(const std::optional<std::string>& flag, StoreDeps& deps);

Result<std::unique_ptr<SecretStore>> open_backend(std::string_view name, StoreDeps& deps);

// $XDG_CONFIG_HOME/stsh/config, else ~/.config/stsh/config.
util::Path stsh_config_path(const util::Environment& env);

}  // namespace stsh::store

#pragma once
// Which backend holds stsh's secrets: --backend, STSH_BACKEND, the
// `backend` key of stsh's own config file, else the first available of
// k_default_order. keyctl (forgets at reboot) and plaintext are used only
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

inline constexpr std::array<std::string_view, 4> k_backend_names = {"secret-service", "file", "keyctl", "plaintext"};
inline constexpr std::array<std::string_view, 2> k_default_order = {"secret-service", "file"};

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

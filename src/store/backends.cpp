#include "store/backends.h"

#include <algorithm>

#include "cli/remote_sts.h"
#include "creds/creds_dir.h"
#include "store/file_store.h"
#include "store/plaintext_store.h"
#include "store/platform_backend.h"
#include "store/secret_service_store.h"
#include "util/strings.h"

namespace stsh::store {

namespace {

Result<util::Path> helper_path(StoreDeps& deps) { return cli::find_network_helper(deps.exe_path()); }

// `backend = NAME` from stsh's own config file ('#' comments, blank lines).
Result<std::optional<std::string>> configured_backend(StoreDeps& deps) {
  util::Path path = stsh_config_path(deps.env);
  auto text = deps.fs.read_file(path);
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<std::string>{};
  std::string_view rest = **text;
  int line_number = 0;
  while (!rest.empty()) {
    ++line_number;
    auto end = rest.find('\n');
    std::string_view line = util::trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail(ErrorKind::config, path.string() + ":" + std::to_string(line_number) + ": expected 'key = value'");
    }
    if (util::trim(line.substr(0, eq)) == "backend") return std::optional<std::string>(util::trim(line.substr(eq + 1)));
  }
  return std::optional<std::string>{};
}

std::optional<PlatformBackend> native(std::string_view name) {
  for (auto& backend : platform_backends()) {
    if (backend.name == name) return backend;
  }
  return std::nullopt;
}

bool known(std::string_view name) {
  auto names = backend_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Availability probe_one(std::string_view name, StoreDeps& deps) {
  if (auto backend = native(name)) return backend->probe();
  if (name == "secret-service") {
    auto helper = helper_path(deps);
    if (!helper) return {false, helper.error().message};
    return SecretServiceStore::probe(*helper);
  }
  if (name == "file") return FileStore::probe(FileStore::default_dir(deps.env));
  return PlaintextStore::probe(deps.fs, creds::CredsDir::default_path(deps.env));
}

}  // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& backend : platform_backends()) {
    if (backend.by_default) names.push_back(backend.name);
  }
  names.emplace_back("secret-service");
  names.emplace_back("file");
  for (const auto& backend : platform_backends()) {
    if (!backend.by_default) names.push_back(backend.name);
  }
  names.emplace_back("plaintext");
  return names;
}

std::vector<std::string> default_order() {
  std::vector<std::string> names;
  for (const auto& backend : platform_backends()) {
    if (backend.by_default) names.push_back(backend.name);
  }
  names.emplace_back("secret-service");
  names.emplace_back("file");
  return names;
}

util::Path stsh_config_path(const util::Environment& env) {
  if (auto xdg = env.get_nonempty("XDG_CONFIG_HOME")) return util::Path(*xdg) / "stsh" / "config";
  return util::Path(env.get_nonempty("HOME").value_or("")) / ".config" / "stsh" / "config";
}

std::vector<BackendStatus> probe_backends(StoreDeps& deps) {
  std::vector<BackendStatus> out;
  for (const auto& name : backend_names()) out.push_back({name, probe_one(name, deps)});
  return out;
}

Result<std::string> choose_backend(const std::optional<std::string>& flag, StoreDeps& deps) {
  std::optional<std::string> chosen = flag;
  std::string origin = "--backend";
  if (!chosen) {
    chosen = deps.env.get_nonempty("STSH_BACKEND");
    origin = "STSH_BACKEND";
  }
  if (!chosen) {
    auto configured = configured_backend(deps);
    if (!configured) return std::unexpected(configured.error());
    chosen = *configured;
    origin = stsh_config_path(deps.env).string();
  }
  if (chosen) {
    if (!known(*chosen)) {
      return fail(ErrorKind::usage, "unknown backend '" + *chosen + "' (from " + origin + "): choose one of " +
                                        util::join(backend_names(), ", "));
    }
    return *chosen;
  }
  std::string reasons;
  for (const auto& name : default_order()) {
    auto availability = probe_one(name, deps);
    if (availability.available) return name;
    reasons += std::string(reasons.empty() ? "" : "; ") + name + ": " + availability.detail;
  }
  return fail(ErrorKind::config, "no secret backend is available (" + reasons + "); see 'stsh backends'");
}

Result<std::unique_ptr<SecretStore>> open_backend(std::string_view name, StoreDeps& deps) {
  if (auto backend = native(name)) return backend->open(deps.clock);
  if (name == "secret-service") {
    auto helper = helper_path(deps);
    if (!helper) return std::unexpected(helper.error());
    return std::make_unique<SecretServiceStore>(*helper);
  }
  if (name == "file") {
    util::Path dir = FileStore::default_dir(deps.env);
    // The store outlives `deps`; capture what it refers to, not `deps` itself.
    auto passphrase = [env = &deps.env, terminal = &deps.terminal, dir]() -> Result<util::Secret> {
      if (auto value = env->get("STSH_FILE_PASSPHRASE")) return util::Secret(*value);
      auto typed = terminal->ask("Passphrase for stsh's encrypted store (" + dir.string() + "): ", false);
      if (!typed) {
        return fail(ErrorKind::interaction,
                    "the file backend needs its passphrase and there is no terminal: set "
                    "STSH_FILE_PASSPHRASE or run in a terminal");
      }
      return typed;
    };
    return std::make_unique<FileStore>(deps.fs, dir, passphrase);
  }
  if (name == "plaintext") return std::make_unique<PlaintextStore>(deps.fs, creds::CredsDir::default_path(deps.env));
  return fail(ErrorKind::usage, "unknown backend '" + std::string(name) + "'");
}

}  // namespace stsh::store

#include "creds/creds_dir.h"

#include <algorithm>

#include "util/strings.h"

namespace stsh::creds {

namespace {

constexpr std::string_view k_access_suffix = ".access_key";

}  // namespace

util::Path CredsDir::default_path(const util::Environment& env) {
  if (auto dir = env.get_nonempty("STSH_CREDS_DIR")) return *dir;
  return util::Path(env.get_nonempty("HOME").value_or("")) / "aws-creds";
}

Error CredsDir::missing_dir_error() const {
  return Error{ErrorKind::config,
               "No creds directory? " + m_path.string() +
                   ": create it with NAME.access_key and NAME.secret_key files, or set STSH_CREDS_DIR"};
}

Result<std::vector<std::string>> CredsDir::account_names() const {
  if (!exists()) return std::unexpected(missing_dir_error());
  auto entries = m_fs.list_directory(m_path);
  if (!entries) return std::unexpected(entries.error());
  std::vector<std::string> names;
  for (const auto& entry : *entries) {
    if (entry.size() > k_access_suffix.size() && util::ends_with_icase(entry, k_access_suffix) && entry[0] != '.') {
      names.push_back(util::to_lower(entry.substr(0, entry.size() - k_access_suffix.size())));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool CredsDir::has_account(std::string_view name) const {
  auto names = exists() ? account_names() : Result<std::vector<std::string>>(std::vector<std::string>{});
  return names && std::find(names->begin(), names->end(), util::to_lower(name)) != names->end();
}

Result<SeedAccount> CredsDir::load(std::string_view requested) const {
  if (!exists()) return std::unexpected(missing_dir_error());
  auto found = find(requested);
  if (!found) return std::unexpected(found.error());
  if (*found) return std::move(**found);
  std::string name = util::to_lower(requested);
  auto names = account_names();
  std::string possible = names && !names->empty() ? util::join(*names, " ") : "none";
  return fail(ErrorKind::config, "unknown account '" + std::string(requested) + "': no " +
                                     (m_path / (name + std::string(k_access_suffix))).string() +
                                     " (possible accounts: " + possible + ")");
}

Result<std::optional<SeedAccount>> CredsDir::find(std::string_view requested) const {
  if (!exists()) return std::optional<SeedAccount>{};
  std::string name = util::to_lower(requested);
  auto entries = m_fs.list_directory(m_path);
  if (!entries) return std::unexpected(entries.error());

  // Files may be named in any case (Work.access_key); find the real stem.
  std::optional<std::string> stem;
  for (const auto& entry : *entries) {
    if (util::to_lower(entry) == name + std::string(k_access_suffix))
      stem = entry.substr(0, entry.size() - k_access_suffix.size());
  }
  if (!stem || name.empty() || name.find('/') != std::string::npos) return std::optional<SeedAccount>{};

  auto read_trimmed = [&](std::string_view suffix) -> Result<std::optional<std::string>> {
    util::Path file = m_path / (*stem + std::string(suffix));
    auto content = m_fs.read_file(file);
    if (!content) return std::unexpected(content.error());
    if (!*content) {
      // Same name in another case, as for the access key.
      for (const auto& entry : *entries) {
        if (util::to_lower(entry) == name + std::string(suffix)) {
          content = m_fs.read_file(m_path / entry);
          if (!content) return std::unexpected(content.error());
        }
      }
    }
    if (!*content) return std::optional<std::string>{};
    std::string value(util::trim_right(**content));
    util::wipe(**content);
    return std::optional<std::string>(std::move(value));
  };

  SeedAccount account;
  account.name = name;
  auto access = read_trimmed(k_access_suffix);
  if (!access) return std::unexpected(access.error());
  auto secret = read_trimmed(".secret_key");
  if (!secret) return std::unexpected(secret.error());
  if (!*secret) {
    return fail(ErrorKind::config, "account '" + name + "' has no " + (m_path / (*stem + ".secret_key")).string() +
                                       ": create it with the secret access key");
  }
  if ((*access)->empty() || (*secret)->empty()) {
    return fail(ErrorKind::config, "account '" + name + "' has an empty key file in " + m_path.string());
  }
  // A key has no control characters; NUL bytes (from an interrupted
  // overwrite, say) must never be used or copied anywhere.
  auto printable = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
  };
  if (!printable(**access) || !printable(**secret)) {
    return fail(ErrorKind::config, "account '" + name + "' has damaged key files in " + m_path.string() +
                                       " (control characters); restore them, or remove them if the keys are "
                                       "already in a secret backend");
  }
  account.keys.access_key_id = std::move(**access);
  account.keys.secret_access_key = util::Secret(std::move(**secret));
  auto user = read_trimmed(".user");
  if (!user) return std::unexpected(user.error());
  if (*user && !(*user)->empty()) account.user = std::move(**user);
  return std::optional<SeedAccount>(std::move(account));
}

}  // namespace stsh::creds

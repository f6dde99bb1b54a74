#include "store/plaintext_store.h"

#include <algorithm>

#include "creds/session_cache.h"
#include "store/key_record.h"
#include "util/strings.h"

namespace stsh::store {

namespace {

// "keys/work" -> {"keys", "work"}
std::pair<std::string_view, std::string> split_item(std::string_view item) {
  auto slash = item.find('/');
  if (slash == std::string_view::npos) return {"", ""};
  return {item.substr(0, slash), util::to_lower(item.substr(slash + 1))};
}

Error bad_item(std::string_view item) {
  return Error{ErrorKind::usage, "the plaintext backend cannot hold item '" + std::string(item) + "'"};
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name.front() != '.';
}

}  // namespace

Availability PlaintextStore::probe(const util::FileSystem& fs, const util::Path& dir) {
  std::string detail = "the seed's files in " + dir.string() + " (unencrypted; used only when chosen)";
  (void)fs;
  return {true, detail};
}

Result<std::optional<util::Secret>> PlaintextStore::get(std::string_view item) {
  auto [kind, name] = split_item(item);
  if (!valid_name(name)) return std::unexpected(bad_item(item));
  if (kind == "session") {
    auto text = m_fs.read_private_file(m_dir / (".cache." + name + ".json"));
    if (!text) return std::unexpected(text.error());
    if (!*text) return std::optional<util::Secret>{};
    return std::optional<util::Secret>(util::Secret(std::move(**text)));
  }
  if (kind != "keys") return std::unexpected(bad_item(item));
  creds::CredsDir dir(m_fs, m_dir);
  if (!dir.has_account(name)) return std::optional<util::Secret>{};
  auto account = dir.load(name);
  if (!account) return std::unexpected(account.error());
  return std::optional<util::Secret>(
      encode_key_record({std::move(account->keys), account->user, std::nullopt, std::nullopt}));
}

Result<void> PlaintextStore::put(std::string_view item, const util::Secret& value, std::optional<util::TimePoint>) {
  auto [kind, name] = split_item(item);
  if (!valid_name(name)) return std::unexpected(bad_item(item));
  if (auto made = m_fs.make_private_directory(m_dir); !made) return made;
  if (kind == "session") return m_fs.write_private_file(m_dir / (".cache." + name + ".json"), value.reveal());
  if (kind != "keys") return std::unexpected(bad_item(item));
  auto record = decode_key_record(value, item);
  if (!record) return std::unexpected(record.error());
  // Secret last: a crash in between leaves an account without a secret key,
  // which stsh reports, never a secret without its key id.
  if (auto w = m_fs.write_private_file(m_dir / (name + ".access_key"), record->keys.access_key_id + "\n"); !w) return w;
  if (record->user) {
    if (auto w = m_fs.write_private_file(m_dir / (name + ".user"), *record->user + "\n"); !w) return w;
  }
  std::string secret = std::string(record->keys.secret_access_key.reveal()) + "\n";
  auto written = m_fs.write_private_file(m_dir / (name + ".secret_key"), secret);
  util::wipe(secret);
  return written;
}

Result<void> PlaintextStore::shred(const util::Path& path) { return m_fs.shred_file(path); }

Result<void> PlaintextStore::remove(std::string_view item) {
  auto [kind, name] = split_item(item);
  if (!valid_name(name)) return std::unexpected(bad_item(item));
  if (kind == "session") return shred(m_dir / (".cache." + name + ".json"));
  if (kind != "keys") return std::unexpected(bad_item(item));
  // The access key file is what makes an account exist: gone first, the
  // account leaves the plaintext view at once, and a crash later leaves
  // only files that no longer count.
  for (const char* suffix : {".access_key", ".user", ".secret_key"}) {
    if (auto gone = shred(m_dir / (name + suffix)); !gone) return gone;
  }
  return {};
}

Result<int> PlaintextStore::sweep_leftovers(const std::function<bool(std::string_view)>& safe_elsewhere) {
  if (!m_fs.is_directory(m_dir)) return 0;
  auto entries = m_fs.list_directory(m_dir);
  if (!entries) return std::unexpected(entries.error());
  auto has = [&](const std::string& name) {
    return std::find(entries->begin(), entries->end(), name) != entries->end();
  };
  int swept = 0;
  for (const auto& entry : *entries) {
    bool leftover = entry.starts_with(".") && entry.ends_with(".shred");
    for (std::string_view suffix : {".secret_key", ".user"}) {
      if (!leftover && entry.ends_with(suffix)) {
        std::string account = entry.substr(0, entry.size() - suffix.size());
        leftover = !has(account + ".access_key") && safe_elsewhere(account);
      }
    }
    if (!leftover) continue;
    if (auto gone = m_fs.shred_file(m_dir / entry); !gone) return std::unexpected(gone.error());
    ++swept;
  }
  return swept;
}

Result<std::vector<ItemInfo>> PlaintextStore::list() {
  std::vector<ItemInfo> items;
  creds::CredsDir dir(m_fs, m_dir);
  if (!dir.exists()) return items;
  auto names = dir.account_names();
  if (!names) return std::unexpected(names.error());
  creds::SessionCache cache(m_fs, m_dir);
  for (const auto& name : *names) {
    items.push_back({keys_item(name), std::nullopt});
    auto text = m_fs.read_private_file(cache.entry_path(name));
    if (text && *text) {
      auto session = creds::SessionCache::deserialize(**text);
      util::wipe(**text);
      items.push_back({session_item(name), session ? session->expiration : std::nullopt});
    }
  }
  return items;
}

}  // namespace stsh::store

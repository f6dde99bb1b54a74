#include "creds/credential_cache.h"

#include <charconv>
#include <cstdint>
#include <cstdio>

#include "util/strings.h"

namespace stsh::creds {

namespace {

constexpr std::string_view k_entry_suffix = ".json";
constexpr std::string_view k_lock_suffix = ".lock";

// FNV-1a: the name only spreads entries; the canonical key inside decides.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

class FileSlot final : public CacheSlot {
 public:
  FileSlot(util::FileSystem& fs, util::Path dir, util::Path entry, std::string key, std::chrono::milliseconds timeout)
      : m_fs(fs), m_dir(std::move(dir)), m_entry(std::move(entry)), m_key(std::move(key)), m_timeout(timeout) {}

  CacheLookup lookup(util::TimePoint now) const override {
    auto text = m_fs.read_private_file(m_entry);
    if (!text) return {CacheState::corrupt, std::nullopt, text.error().message + "; ignoring it"};
    if (!*text) return {CacheState::absent, std::nullopt, ""};
    std::string stored_key;
    auto session = SessionCache::deserialize(**text, &stored_key);
    util::wipe(**text);
    if (!session) {
      return {CacheState::corrupt, std::nullopt,
              "cache entry " + m_entry.string() + " is corrupt (" + session.error().message + "); replacing it"};
    }
    if (stored_key != m_key) return {CacheState::absent, std::nullopt, ""};
    if (!is_fresh(*session, now)) return {CacheState::expired, std::nullopt, ""};
    return {CacheState::valid, std::move(*session), ""};
  }

  Result<void> store(const aws::Credentials& session) override {
    if (auto dir = m_fs.make_private_directory(m_dir); !dir) return dir;
    std::string text = SessionCache::serialize(session, m_key);
    auto written = m_fs.write_private_file(m_entry, text);
    util::wipe(text);
    return written;
  }

  Result<std::unique_ptr<util::FileLock>> lock() override {
    if (auto dir = m_fs.make_private_directory(m_dir); !dir) return std::unexpected(dir.error());
    util::Path lock_path = m_entry;
    lock_path.replace_extension(k_lock_suffix);
    return m_fs.lock_exclusive(lock_path, m_timeout);
  }

  Result<void> remove() override { return m_fs.remove_file(m_entry); }

  std::string describe() const override { return m_entry.string(); }

 private:
  util::FileSystem& m_fs;
  util::Path m_dir;
  util::Path m_entry;
  std::string m_key;
  std::chrono::milliseconds m_timeout;
};

class SeedSlot final : public CacheSlot {
 public:
  SeedSlot(util::FileSystem& fs, util::Path creds_dir, std::string account, std::chrono::milliseconds timeout)
      : m_fs(fs),
        m_creds_dir(std::move(creds_dir)),
        m_account(std::move(account)),
        m_cache(fs, m_creds_dir),
        m_timeout(timeout) {}

  CacheLookup lookup(util::TimePoint now) const override { return m_cache.lookup(m_account, now); }
  Result<void> store(const aws::Credentials& session) override { return m_cache.store(m_account, session); }
  Result<std::unique_ptr<util::FileLock>> lock() override {
    return m_fs.lock_exclusive(m_creds_dir / (".cache." + util::to_lower(m_account) + ".lock"), m_timeout);
  }
  Result<void> remove() override { return m_cache.remove(m_account); }
  std::string describe() const override { return m_cache.entry_path(m_account).string(); }

 private:
  util::FileSystem& m_fs;
  util::Path m_creds_dir;
  std::string m_account;
  SessionCache m_cache;
  std::chrono::milliseconds m_timeout;
};

}  // namespace

std::string CacheKey::canonical() const {
  return "kind=" + kind + "\nsource=" + source + "\nrole=" + role_arn + "\nmfa=" + mfa_serial +
         "\nexternal=" + external_id + "\nname=" + session_name + "\nduration=" + std::to_string(duration_seconds);
}

std::string CacheKey::file_name() const {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(canonical())));
  return kind + "-" + hex + std::string(k_entry_suffix);
}

Result<aws::Credentials> cached_or_produce(CacheSlot& slot, const util::Clock& clock,
                                           const std::function<Result<aws::Credentials>()>& produce,
                                           const std::function<void(std::string_view)>& warn) {
  auto first = slot.lookup(clock.now());
  if (first.session) return std::move(*first.session);

  auto lock = slot.lock();
  if (!lock) return std::unexpected(lock.error());
  // Whoever held the lock before us may have just written a fresh session.
  auto second = slot.lookup(clock.now());
  if (second.session) return std::move(*second.session);
  if (second.state == CacheState::corrupt) warn("warning: " + second.problem);

  auto fresh = produce();
  if (!fresh) return fresh;
  if (auto stored = slot.store(*fresh); !stored) {
    warn("warning: could not cache the session in " + slot.describe() + ": " + stored.error().message);
  }
  return fresh;
}

Result<aws::Credentials> produce_fresh(CacheSlot& slot, const std::function<Result<aws::Credentials>()>& produce,
                                       const std::function<void(std::string_view)>& warn) {
  auto lock = slot.lock();
  if (!lock) return std::unexpected(lock.error());
  auto fresh = produce();
  if (!fresh) return fresh;
  if (auto stored = slot.store(*fresh); !stored) {
    warn("warning: could not cache the session in " + slot.describe() + ": " + stored.error().message);
  }
  return fresh;
}

util::Path CredentialCache::default_dir(const util::Environment& env) {
  if (auto dir = env.get_nonempty("STSH_CACHE_DIR")) return *dir;
  if (auto xdg = env.get_nonempty("XDG_CACHE_HOME")) return util::Path(*xdg) / "stsh";
  return util::Path(env.get_nonempty("HOME").value_or("")) / ".cache" / "stsh";
}

std::chrono::milliseconds CredentialCache::lock_timeout(const util::Environment& env) {
  int seconds = 120;
  if (auto text = env.get_nonempty("STSH_LOCK_TIMEOUT")) {
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc{} && end == text->data() + text->size() && value >= 0) seconds = value;
  }
  return std::chrono::seconds(seconds);
}

std::unique_ptr<CacheSlot> CredentialCache::slot(const CacheKey& key) {
  return std::make_unique<FileSlot>(m_fs, m_dir, m_dir / key.file_name(), key.canonical(), m_lock_timeout);
}

Result<int> CredentialCache::clear() {
  if (!m_fs.is_directory(m_dir)) return 0;
  auto names = m_fs.list_directory(m_dir);
  if (!names) return std::unexpected(names.error());
  int removed = 0;
  for (const auto& name : *names) {
    bool entry = name.ends_with(k_entry_suffix);
    if (!entry && !name.ends_with(k_lock_suffix)) continue;
    if (auto gone = m_fs.remove_file(m_dir / name); !gone) return std::unexpected(gone.error());
    if (entry) ++removed;
  }
  return removed;
}

std::unique_ptr<CacheSlot> seed_account_slot(util::FileSystem& fs, const util::Path& creds_dir, std::string account,
                                             std::chrono::milliseconds lock_timeout) {
  return std::make_unique<SeedSlot>(fs, creds_dir, std::move(account), lock_timeout);
}

}  // namespace stsh::creds

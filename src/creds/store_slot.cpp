#include "creds/store_slot.h"

#include <cctype>

namespace stsh::creds {

namespace {

std::string file_safe(std::string_view item) {
  std::string out;
  for (char c : item) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '.';
  return out;
}

class StoreSlot final : public CacheSlot {
 public:
  StoreSlot(store::SecretStore& store, std::string item, util::FileSystem& fs, util::Path runtime_dir,
            std::chrono::milliseconds timeout)
      : m_store(store),
        m_item(std::move(item)),
        m_fs(fs),
        m_runtime_dir(std::move(runtime_dir)),
        m_runtime_entry(m_runtime_dir / (file_safe(m_item) + ".json")),
        m_timeout(timeout) {}

  CacheLookup lookup(util::TimePoint now) const override {
    if (auto fast = runtime_lookup(now); fast.session) return fast;
    auto value = m_store.get(m_item);
    if (!value) return {CacheState::corrupt, std::nullopt, value.error().message};
    if (!*value) return {CacheState::absent, std::nullopt, ""};
    auto session = SessionCache::deserialize((*value)->reveal());
    if (!session) {
      return {CacheState::corrupt, std::nullopt,
              "stored session " + m_item + " in the " + std::string(m_store.backend()) +
                  " backend is corrupt; replacing it"};
    }
    if (!is_fresh(*session, now)) return {CacheState::expired, std::nullopt, ""};
    write_runtime(*session);
    return {CacheState::valid, std::move(*session), ""};
  }

  Result<void> store(const aws::Credentials& session) override {
    util::Secret text(SessionCache::serialize(session));
    if (auto put = m_store.put(m_item, text, session.expiration); !put) return put;
    write_runtime(session);
    return {};
  }

  Result<std::unique_ptr<util::FileLock>> lock() override {
    if (auto dir = m_fs.make_private_directory(m_runtime_dir); !dir) return std::unexpected(dir.error());
    return m_fs.lock_exclusive(m_runtime_dir / (file_safe(m_item) + ".lock"), m_timeout);
  }

  Result<void> remove() override {
    (void)m_fs.remove_file(m_runtime_entry);
    return m_store.remove(m_item);
  }

  std::string describe() const override { return m_item + " (" + std::string(m_store.backend()) + " backend)"; }

 private:
  CacheLookup runtime_lookup(util::TimePoint now) const {
    auto text = m_fs.read_private_file(m_runtime_entry);
    if (!text || !*text) return {CacheState::absent, std::nullopt, ""};
    auto session = SessionCache::deserialize(**text);
    util::wipe(**text);
    if (!session || !is_fresh(*session, now)) return {CacheState::absent, std::nullopt, ""};
    return {CacheState::valid, std::move(*session), ""};
  }

  // Best effort: the backend holds the real copy.
  void write_runtime(const aws::Credentials& session) const {
    if (!m_fs.make_private_directory(m_runtime_dir)) return;
    std::string text = SessionCache::serialize(session);
    (void)m_fs.write_private_file(m_runtime_entry, text);
    util::wipe(text);
  }

  store::SecretStore& m_store;
  std::string m_item;
  util::FileSystem& m_fs;
  util::Path m_runtime_dir;
  util::Path m_runtime_entry;
  std::chrono::milliseconds m_timeout;
};

}  // namespace

std::optional<aws::Credentials> runtime_copy(const util::FileSystem& fs, const util::Path& runtime_dir,
                                             std::string_view item, util::TimePoint now) {
  auto text = fs.read_private_file(runtime_dir / (file_safe(item) + ".json"));
  if (!text || !*text) return std::nullopt;
  auto session = SessionCache::deserialize(**text);
  util::wipe(**text);
  if (!session || !is_fresh(*session, now)) return std::nullopt;
  return std::move(*session);
}

util::Path runtime_cache_dir(const util::Environment& env) {
  if (auto xdg = env.get_nonempty("XDG_RUNTIME_DIR")) return util::Path(*xdg) / "stsh";
  return CredentialCache::default_dir(env) / "runtime";
}

std::unique_ptr<CacheSlot> store_slot(store::SecretStore& store, std::string item, util::FileSystem& fs,
                                      util::Path runtime_dir, std::chrono::milliseconds lock_timeout) {
  return std::make_unique<StoreSlot>(store, std::move(item), fs, std::move(runtime_dir), lock_timeout);
}

}  // namespace stsh::creds

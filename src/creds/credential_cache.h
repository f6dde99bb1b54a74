#pragma once
// The profile session cache, shared safely by every stsh process: one
// entry per (source identity, role, MFA serial, external id, session name,
// duration), one flock per entry so that many processes asking at once make
// one STS call.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "creds/session_cache.h"
#include "util/clock.h"
#include "util/environment.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::creds {

// What produced a session. Two requests with equal keys may share it.
struct CacheKey {
  std::string kind;    // "session" (GetSessionToken) or "role" (AssumeRole)
  std::string source;  // the calling access key id
  std::string role_arn;
  std::string mfa_serial;
  std::string external_id;
  std::string session_name;
  int duration_seconds = 0;

  // One line per field: stored in the entry and compared on read, so a
  // hash collision can never hand out another key's session.
  std::string canonical() const;
  std::string file_name() const;  // e.g. "role-3f2a….json"
};

// Where and how to cache, for one entry.
class CacheSlot {
 public:
  virtual ~CacheSlot() = default;
  virtual CacheLookup lookup(util::TimePoint now) const = 0;
  virtual Result<void> store(const aws::Credentials& session) = 0;
  virtual Result<std::unique_ptr<util::FileLock>> lock() = 0;
  virtual Result<void> remove() = 0;
  virtual std::string describe() const = 0;  // for messages: the entry's path
};

// A valid cached session, else `produce` under the slot's lock: others
// that were waiting find the fresh entry and return it without calling STS.
// A corrupt entry is reported through `warn` and replaced.
Result<aws::Credentials> cached_or_produce(CacheSlot& slot, const util::Clock& clock,
                                           const std::function<Result<aws::Credentials>()>& produce,
                                           const std::function<void(std::string_view)>& warn);

// As cached_or_produce, but never uses the cached entry (a forced refresh).
Result<aws::Credentials> produce_fresh(CacheSlot& slot, const std::function<Result<aws::Credentials>()>& produce,
                                       const std::function<void(std::string_view)>& warn);

class CredentialCache {
 public:
  CredentialCache(util::FileSystem& fs, util::Path dir, std::chrono::milliseconds lock_timeout)
      : m_fs(fs), m_dir(std::move(dir)), m_lock_timeout(lock_timeout) {}

  // $XDG_CACHE_HOME/stsh, else ~/.cache/stsh (STSH_CACHE_DIR overrides).
  static util::Path default_dir(const util::Environment& env);
  // STSH_LOCK_TIMEOUT seconds, default 120 (long enough to type an MFA code).
  static std::chrono::milliseconds lock_timeout(const util::Environment& env);

  const util::Path& dir() const { return m_dir; }
  std::unique_ptr<CacheSlot> slot(const CacheKey& key);
  // Removes every entry (and its lock file); returns how many sessions went.
  Result<int> clear();

 private:
  util::FileSystem& m_fs;
  util::Path m_dir;
  std::chrono::milliseconds m_lock_timeout;
};

// The seed's per-account cache (.cache.NAME.json) seen as a slot, so that
// ec2mfa and a profile backed by a seed account share one MFA session.
std::unique_ptr<CacheSlot> seed_account_slot(util::FileSystem& fs, const util::Path& creds_dir, std::string account,
                                             std::chrono::milliseconds lock_timeout);

}  // namespace stsh::creds

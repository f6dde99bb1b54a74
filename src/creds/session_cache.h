#pragma once
// One cached session per seed account, in the credentials directory:
// .cache.NAME.json holding the session and its absolute Expiration.

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::creds {

// A session this close to expiry is treated as expired, so a command
// started with it does not fail half-way.
inline constexpr std::chrono::seconds k_expiry_margin{5 * 60};

enum class CacheState { valid, absent, expired, corrupt };

struct CacheLookup {
  CacheState state = CacheState::absent;
  std::optional<aws::Credentials> session;  // set when valid
  std::string problem;                      // why, when corrupt
};

class SessionCache {
 public:
  SessionCache(util::FileSystem& fs, util::Path dir) : m_fs(fs), m_dir(std::move(dir)) {}

  util::Path entry_path(std::string_view account) const;
  // Never fails: an unreadable or malformed entry is reported as corrupt.
  CacheLookup lookup(std::string_view account, util::TimePoint now) const;
  Result<void> store(std::string_view account, const aws::Credentials& session);
  Result<void> remove(std::string_view account);

  // `key`, when given, is stored as "Key" (see CredentialCache).
  static std::string serialize(const aws::Credentials& session, std::string_view key = {});
  static Result<aws::Credentials> deserialize(std::string_view text, std::string* key = nullptr);

 private:
  util::FileSystem& m_fs;
  util::Path m_dir;
};

bool is_fresh(const aws::Credentials& session, util::TimePoint now);

}  // namespace stsh::creds

#pragma once
// The seed's credential directory (~/aws-creds): NAME.access_key,
// NAME.secret_key and optional NAME.user, account names case-insensitive.

#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "util/environment.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::creds {

struct SeedAccount {
  std::string name;                 // lower-cased
  aws::Credentials keys;            // long-lived
  std::optional<std::string> user;  // NAME.user, when present
};

class CredsDir {
 public:
  CredsDir(const util::FileSystem& fs, util::Path path) : m_fs(fs), m_path(std::move(path)) {}

  // STSH_CREDS_DIR, else $HOME/aws-creds.
  static util::Path default_path(const util::Environment& env);

  const util::Path& path() const { return m_path; }
  bool exists() const { return m_fs.is_directory(m_path); }

  // Lower-cased names of every NAME.access_key, sorted.
  Result<std::vector<std::string>> account_names() const;
  bool has_account(std::string_view name) const;
  // ErrorKind::config naming the possible accounts when NAME is unknown.
  Result<SeedAccount> load(std::string_view name) const;
  // As load, but std::nullopt (not an error) when there is no such account
  // or no directory: one listing answers both "is it here" and "what is it".
  Result<std::optional<SeedAccount>> find(std::string_view name) const;

 private:
  Error missing_dir_error() const;

  const util::FileSystem& m_fs;
  util::Path m_path;
};

}  // namespace stsh::creds

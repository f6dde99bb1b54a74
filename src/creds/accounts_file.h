#pragma once
// The seed's accounts file: a JSON object mapping an account name to the
// ARN prefix of its IAM resources ("arn:aws:iam::012123456789:").

#include <map>
#include <optional>
#include <string>

#include "util/environment.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::creds {

class AccountsFile {
 public:
  AccountsFile() = default;
  AccountsFile(util::Path path, std::map<std::string, std::string> prefixes)
      : m_path(std::move(path)), m_prefixes(std::move(prefixes)) {}

  // Parses JSON; a syntax error names the file, line and column.
  static Result<AccountsFile> parse(const util::Path& path, std::string_view text);

  // Looks the file up: --config, STSH_ACCOUNTS_FILE, CREDS_DIR/accounts.json,
  // /etc/default/aws-sts-helpers/accounts.json. std::nullopt if none exists.
  static Result<std::optional<AccountsFile>> find(const util::FileSystem& fs, const util::Environment& env,
                                                  const std::optional<std::string>& flag, const util::Path& creds_dir);

  const util::Path& path() const { return m_path; }
  // The account's prefix; an unknown name that itself looks like an ARN
  // prefix is taken as one (the seed did this).
  Result<std::string> arn_prefix(std::string_view account) const;

 private:
  util::Path m_path;
  std::map<std::string, std::string> m_prefixes;  // keys lower-cased
};

// Builds the seed's ARNs from a prefix.
std::string mfa_serial_arn(std::string_view prefix, std::string_view user);
std::string role_arn(std::string_view prefix, std::string_view role);

}  // namespace stsh::creds

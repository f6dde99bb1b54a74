#include "creds/accounts_file.h"

#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace stsh::creds {

namespace {

constexpr const char* k_system_accounts_file = "/etc/default/aws-sts-helpers/accounts.json";

// nlohmann reports a byte offset; users want line and column.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column > 1 ? column - 1 : 1};
}

std::string parse_reason(std::string what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing ..."
  auto pos = what.find(": ");
  if (pos != std::string::npos) what = what.substr(pos + 2);
  return what;
}

}  // namespace

Result<AccountsFile> AccountsFile::parse(const util::Path& path, std::string_view text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte);
    return fail(ErrorKind::config, "malformed accounts file " + path.string() + " at line " + std::to_string(line) +
                                       ", column " + std::to_string(column) + ": " + parse_reason(e.what()));
  }
  if (!json.is_object()) {
    return fail(ErrorKind::config,
                "malformed accounts file " + path.string() + ": expected a JSON object of account name to ARN prefix");
  }
  std::map<std::string, std::string> prefixes;
  for (const auto& [name, value] : json.items()) {
    if (!value.is_string()) {
      return fail(ErrorKind::config, "malformed accounts file " + path.string() + ": the value of \"" + name +
                                         "\" must be an ARN prefix string like \"arn:aws:iam::012123456789:\"");
    }
    prefixes[util::to_lower(name)] = value.get<std::string>();
  }
  return AccountsFile(path, std::move(prefixes));
}

Result<std::optional<AccountsFile>> AccountsFile::find(const util::FileSystem& fs, const util::Environment& env,
                                                       const std::optional<std::string>& flag,
                                                       const util::Path& creds_dir) {
  auto load = [&](const util::Path& path, bool required) -> Result<std::optional<AccountsFile>> {
    auto text = fs.read_file(path);
    if (!text) return std::unexpected(text.error());
    if (!*text) {
      if (required) return fail(ErrorKind::config, "accounts file " + path.string() + " does not exist");
      return std::optional<AccountsFile>{};
    }
    auto parsed = parse(path, **text);
    if (!parsed) return std::unexpected(parsed.error());
    return std::optional<AccountsFile>(std::move(*parsed));
  };
  if (flag) return load(*flag, true);
  if (auto path = env.get_nonempty("STSH_ACCOUNTS_FILE")) return load(*path, true);
  auto in_creds_dir = load(creds_dir / "accounts.json", false);
  if (!in_creds_dir || *in_creds_dir) return in_creds_dir;
  return load(k_system_accounts_file, false);
}

Result<std::string> AccountsFile::arn_prefix(std::string_view account) const {
  auto it = m_prefixes.find(util::to_lower(account));
  if (it != m_prefixes.end()) return it->second;
  if (account.starts_with("arn:")) return std::string(account);
  std::vector<std::string> names;
  for (const auto& [name, prefix] : m_prefixes) names.push_back(name);
  return fail(ErrorKind::config, "unknown account '" + std::string(account) + "' in " + m_path.string() +
                                     " (known: " + (names.empty() ? "none" : util::join(names, " ")) +
                                     "); add it, or pass a raw ARN prefix like arn:aws:iam::012123456789:");
}

std::string mfa_serial_arn(std::string_view prefix, std::string_view user) {
  return std::string(prefix) + "mfa/" + std::string(user);
}

std::string role_arn(std::string_view prefix, std::string_view role) {
  if (role.starts_with("arn:")) return std::string(role);
  return std::string(prefix) + "role/" + std::string(role);
}

}  // namespace stsh::creds

#include "cli/seed_support.h"

#include <nlohmann/json.hpp>

#include "util/secret_json.h"
#include "util/time_format.h"

namespace stsh::cli {

namespace {

constexpr std::string_view k_mfa_suffix = "-MFA-STS";

}  // namespace

std::string set_for_label(std::string_view account, const aws::Credentials& creds) {
  return std::string(account) + (creds.is_session() ? std::string(k_mfa_suffix) : "");
}

shell::EnvScript account_env(std::string_view account, const aws::Credentials& creds, std::optional<std::string> label,
                             bool default_region) {
  shell::EnvScript script;
  std::string secret(creds.secret_access_key.reveal());
  script.set("AWS_ACCESS_KEY", creds.access_key_id);
  script.set("AWS_SECRET_KEY", secret);
  script.set("AWS_ACCESS_KEY_ID", creds.access_key_id);
  script.set("AWS_SECRET_ACCESS_KEY", secret);
  util::wipe(secret);
  if (creds.is_session()) {
    std::string token(creds.session_token.reveal());
    script.set("AWS_SESSION_TOKEN", token);
    script.set("AWS_SECURITY_TOKEN", token);
    script.set("AWS_DELEGATION_TOKEN", token);
    util::wipe(token);
  } else {
    script.unset("AWS_SESSION_TOKEN");
    script.unset("AWS_SECURITY_TOKEN");
    script.unset("AWS_DELEGATION_TOKEN");
  }
  script.set("MY_AWS_SET_FOR", label ? *label : set_for_label(account, creds));
  script.set("STSH_ACCOUNT", std::string(account));
  if (creds.expiration) {
    script.set("STSH_EXPIRATION", util::format_iso8601(*creds.expiration));
  } else {
    script.unset("STSH_EXPIRATION");
  }
  if (default_region) script.set_default("AWS_DEFAULT_REGION", "us-east-1");
  return script;
}

shell::EnvScript script_env(const aws::Credentials& creds, std::string_view region) {
  shell::EnvScript script;
  std::string secret(creds.secret_access_key.reveal());
  std::string token(creds.session_token.reveal());
  if (creds.expiration) script.set("AWS_TOKEN_EXPIRATION", util::format_iso8601(*creds.expiration));
  script.set("AWS_ACCESS_KEY", creds.access_key_id);
  script.set("AWS_SECRET_KEY", secret);
  script.set("AWS_DELEGATION_TOKEN", token);
  script.set("AWS_ACCESS_KEY_ID", creds.access_key_id);
  script.set("AWS_SECRET_ACCESS_KEY", secret);
  script.set("AWS_SECURITY_TOKEN", token);
  script.set("AWS_SESSION_TOKEN", token);
  script.set("AWS_DEFAULT_REGION", std::string(region));
  util::wipe(secret);
  util::wipe(token);
  return script;
}

std::string seed_json(const aws::Credentials& creds) {
  nlohmann::json json = nlohmann::json::object();
  json["access_key"] = creds.access_key_id;
  json["secret_key"] = std::string(creds.secret_access_key.reveal());
  json["session_token"] = std::string(creds.session_token.reveal());
  json["expiration"] = creds.expiration ? util::format_iso8601(*creds.expiration) : "";
  std::string out = json.dump(4) + "\n";
  util::wipe_json_strings(json);
  return out;
}

Result<shell::ShellKind> shell_kind_option(const util::ParsedArgs& args) {
  auto value = args.get("shell");
  if (!value || value->empty()) return shell::ShellKind::posix;
  auto kind = shell::parse_shell_kind(*value);
  if (!kind) return fail(ErrorKind::usage, "unknown shell '" + *value + "': use sh, bash, zsh or fish");
  return *kind;
}

void emit_seed_output(Context& ctx, const aws::Credentials& session, std::string_view region,
                      std::optional<shell::ShellKind> shell) {
  emit_secret(ctx, shell ? script_env(session, region).render(*shell) : seed_json(session));
}

void emit_secret(Context& ctx, std::string text) {
  ctx.out << text;
  ctx.out.flush();
  util::wipe(text);
}

Result<creds::AccountsFile> require_accounts_file(Context& ctx, const util::ParsedArgs& args,
                                                  const util::Path& creds_dir) {
  auto found = creds::AccountsFile::find(ctx.fs, ctx.env, args.get("config"), creds_dir);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    return fail(ErrorKind::config, "no accounts file: create " + (creds_dir / "accounts.json").string() +
                                       " mapping account names to ARN prefixes, e.g. {\"work\": "
                                       "\"arn:aws:iam::012123456789:\"} (or pass --config FILE)");
  }
  return std::move(**found);
}

std::optional<std::string> current_account(const util::Environment& env) {
  if (auto account = env.get_nonempty("STSH_ACCOUNT")) return account;
  auto set_for = env.get_nonempty("MY_AWS_SET_FOR");
  if (!set_for) return std::nullopt;
  if (set_for->ends_with(k_mfa_suffix)) set_for->resize(set_for->size() - k_mfa_suffix.size());
  return set_for;
}

int print_help(Context& ctx, std::string_view usage, std::span<const util::OptionSpec> specs) {
  ctx.out << "usage: " << usage << "\n\noptions:\n" << util::options_help(specs);
  return 0;
}

}  // namespace stsh::cli

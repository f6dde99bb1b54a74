#pragma once
// What the seed-compatible commands (switch, mfa, session-token, role)
// share: the variables they set, the output shapes, the accounts file.

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "cli/context.h"
#include "creds/accounts_file.h"
#include "creds/creds_dir.h"
#include "shell/env_script.h"
#include "util/args.h"

namespace stsh::cli {

// "NAME" for long-lived keys, "NAME-MFA-STS" for a session (MY_AWS_SET_FOR).
std::string set_for_label(std::string_view account, const aws::Credentials& creds);

// The variables ec2switch sets for an account (the seed's _ec2setvars plus
// MY_AWS_SET_FOR, AWS_DEFAULT_REGION, STSH_ACCOUNT, STSH_EXPIRATION).
// `label` is MY_AWS_SET_FOR's value (default: set_for_label). With
// `default_region`, AWS_DEFAULT_REGION becomes us-east-1 when unset.
shell::EnvScript account_env(std::string_view account, const aws::Credentials& creds,
                             std::optional<std::string> label = std::nullopt, bool default_region = true);

// The seed scripts' --shell output: copy/paste-able exports.
shell::EnvScript script_env(const aws::Credentials& creds, std::string_view region);

// The seed scripts' JSON: access_key, expiration, secret_key, session_token
// (sorted keys, 4-space indent).
std::string seed_json(const aws::Credentials& creds);

// --shell / --shell=KIND; posix when absent or bare.
Result<shell::ShellKind> shell_kind_option(const util::ParsedArgs& args);

// The seed scripts' output: export lines for `shell`, else their JSON.
void emit_seed_output(Context& ctx, const aws::Credentials& session, std::string_view region,
                      std::optional<shell::ShellKind> shell);

// Writes secret-bearing text to stdout and wipes it.
void emit_secret(Context& ctx, std::string text);

// The accounts file, or a config error saying how to create one.
Result<creds::AccountsFile> require_accounts_file(Context& ctx, const util::ParsedArgs& args,
                                                  const util::Path& creds_dir);

// The account the shell is set for: STSH_ACCOUNT, else MY_AWS_SET_FOR
// without its -MFA-STS suffix.
std::optional<std::string> current_account(const util::Environment& env);

// Prints --help for a command.
int print_help(Context& ctx, std::string_view usage, std::span<const util::OptionSpec> specs);

}  // namespace stsh::cli

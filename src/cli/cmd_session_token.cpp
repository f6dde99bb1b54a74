// stsh session-token (generate-sts-mfa-token): GetSessionToken for
// scripts, printing the seed's JSON, shell exports, or the cache entry.

#include <array>

#include "aws/endpoint.h"
#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/env_credentials.h"
#include "creds/session_cache.h"
#include "creds/validate.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"account", util::ArgKind::value, "account name from the accounts file, or a raw ARN prefix",
                     "NAME"},
    util::OptionSpec{"user", util::ArgKind::value, "IAM user for the MFA serial (default NAME.user, then $USER)",
                     "USER"},
    util::OptionSpec{"token", util::ArgKind::value, "the 6-digit MFA code (else asked on the terminal)", "CODE"},
    util::OptionSpec{"mfa", util::ArgKind::value, "MFA device ARN (instead of --account/--user)", "ARN"},
    util::OptionSpec{"duration", util::ArgKind::value, "session length in seconds, 900-129600 (default 3600)",
                     "SECONDS"},
    util::OptionSpec{"region", util::ArgKind::value, "STS region", "REGION"},
    util::OptionSpec{"config", util::ArgKind::value, "accounts file", "FILE"},
    util::OptionSpec{"shell", util::ArgKind::optional_value, "print export lines instead of JSON", "KIND"},
    util::OptionSpec{"cachefiles", util::ArgKind::flag, "write the account's session cache instead of printing"},
    util::OptionSpec{"debug", util::ArgKind::flag, "accepted for compatibility", "", 'd'},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_session_token(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "generate-sts-mfa-token");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) {
    return print_help(ctx, "generate-sts-mfa-token --account NAME [--user USER] --token CODE [options]", k_specs);
  }
  auto kind = shell_kind_option(*parsed);
  if (!kind) return report(ctx, kind.error());
  if (!parsed->positionals().empty()) {
    return report(ctx, Error{ErrorKind::usage, "unexpected argument '" + parsed->positionals()[0] + "'"});
  }
  auto code = parsed->get("token");
  if (code) {
    if (auto valid = creds::validate_mfa_code(*code); !valid) return report(ctx, valid.error());
  }
  int duration = 3600;
  if (auto text = parsed->get("duration")) {
    auto value = creds::parse_duration(*text, creds::k_session_token_min_seconds, creds::k_session_token_max_seconds,
                                       "--duration");
    if (!value) return report(ctx, value.error());
    duration = *value;
  }
  auto account_name = parsed->get("account");
  if (!account_name && !parsed->get("mfa")) {
    return report(ctx, Error{ErrorKind::usage, "Must specify (--account --user) or --mfa"});
  }
  if (parsed->has("cachefiles") && !account_name) {
    return report(ctx, Error{ErrorKind::usage, "--cachefiles needs --account to name the cache"});
  }

  // Sign with the account's long-lived keys when the creds dir has them
  // (a session cannot call GetSessionToken), else with the environment's.
  creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
  std::optional<creds::SeedAccount> account;
  if (account_name && dir.exists()) {
    auto loaded = dir.load(*account_name);
    if (loaded) account = std::move(*loaded);
  }
  std::optional<aws::Credentials> signer;
  if (account) {
    signer = account->keys;
  } else if (account_name && !dir.has_account(*account_name)) {
    // Keys imported into a secret backend sign as the plaintext ones did.
    auto resolver = make_resolver(ctx);
    if (auto stored = resolver.base_keys(*account_name); stored && !stored->is_session()) signer = std::move(*stored);
  }
  if (!signer) signer = creds::credentials_from_env(ctx.env);
  if (!signer) {
    return report(ctx, Error{ErrorKind::config, "no keys to sign with: put them in " + dir.path().string() +
                                                    " or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"});
  }

  std::string user =
      parsed->get("user").value_or(account && account->user ? *account->user : creds::unix_user(ctx.env));
  std::string serial;
  if (auto flag = parsed->get("mfa")) {
    serial = *flag;
  } else {
    auto accounts = require_accounts_file(ctx, *parsed, dir.path());
    if (!accounts) return report(ctx, accounts.error());
    auto prefix = accounts->arn_prefix(*account_name);
    if (!prefix) return report(ctx, prefix.error());
    serial = creds::mfa_serial_arn(*prefix, user);
  }
  if (parsed->has("cachefiles") && !ctx.fs.is_writable_directory(dir.path())) {
    return report(ctx, Error{ErrorKind::io, "cannot write the session cache in " + dir.path().string() +
                                                ": the directory is missing or not writable"});
  }
  if (!code) {
    auto typed = ctx.terminal.ask("Enter token for user " + user + ": ", true);
    if (!typed)
      return report(ctx, Error{typed.error().kind, typed.error().message + ": pass the code with --token CODE"});
    code = std::string(typed->reveal());
    if (auto valid = creds::validate_mfa_code(*code); !valid) return report(ctx, valid.error());
  }

  std::string region = aws::resolve_region(parsed->get("region"), ctx.env);
  auto client = ctx.sts.connect(region);
  if (!client) return report(ctx, client.error());
  auto session = (*client)->get_session_token(*signer, {serial, code, duration});
  if (!session) return report(ctx, session.error());

  if (parsed->has("cachefiles")) {
    creds::SessionCache cache(ctx.fs, dir.path());
    if (auto stored = cache.store(*account_name, *session); !stored) return report(ctx, stored.error());
    return 0;
  }
  emit_seed_output(ctx, *session, region, parsed->has("shell") ? std::optional(*kind) : std::nullopt);
  return 0;
}

}  // namespace stsh::cli

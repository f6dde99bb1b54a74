// stsh role (generate-sts-role-token): AssumeRole for scripts, printing
// the seed's JSON or shell exports.

#include <array>

#include "aws/endpoint.h"
#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/env_credentials.h"
#include "creds/validate.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"account", util::ArgKind::value, "account name from the accounts file, or a raw ARN prefix",
                     "NAME"},
    util::OptionSpec{"role", util::ArgKind::value, "role name (PREFIX + role/ + ROLE) or a full role ARN", "ROLE"},
    util::OptionSpec{"token", util::ArgKind::value,
                     "session token of the calling keys (default AWS_SESSION_TOKEN; avoid: argv is public)", "TOKEN"},
    util::OptionSpec{"duration", util::ArgKind::value, "session length in seconds, 900-43200 (default 3600)",
                     "SECONDS"},
    util::OptionSpec{"session-name", util::ArgKind::value, "role session name (default stsh-USER)", "NAME"},
    util::OptionSpec{"external-id", util::ArgKind::value, "external ID the role's trust policy requires", "ID"},
    util::OptionSpec{"region", util::ArgKind::value, "STS region", "REGION"},
    util::OptionSpec{"config", util::ArgKind::value, "accounts file", "FILE"},
    util::OptionSpec{"shell", util::ArgKind::optional_value, "print export lines instead of JSON", "KIND"},
    util::OptionSpec{"debug", util::ArgKind::flag, "accepted for compatibility", "", 'd'},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

// The calling identity: the environment's keys (as boto did), else the
// account's cached MFA session, else its long-lived keys.
Result<aws::Credentials> caller_credentials(Context& ctx, const util::ParsedArgs& args, std::string_view account) {
  auto from_env = creds::credentials_from_env(ctx.env);
  if (auto token = args.get("token")) {
    warn(ctx, "--token puts a secret in the process list; stsh reads AWS_SESSION_TOKEN by itself");
    if (!from_env) {
      return fail(ErrorKind::config, "--token needs the session's keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    from_env->session_token = util::Secret(*token);
  }
  if (from_env) return std::move(*from_env);

  // The account's cached session, else its keys, wherever they are kept.
  auto resolver = make_resolver(ctx);
  creds::ResolveOptions cached;
  cached.cache_only = true;
  auto resolved = resolver.resolve(account, cached);
  if (!resolved && creds::is_unknown_name(resolved.error())) {
    return fail(ErrorKind::config,
                "no keys to call AssumeRole with: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (ec2switch "
                "does), or keep the account's keys in " +
                    creds::CredsDir::default_path(ctx.env).string() + " or a secret backend");
  }
  if (!resolved) return std::unexpected(resolved.error());
  return std::move(resolved->credentials);
}

}  // namespace

int run_role(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "generate-sts-role-token");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help"))
    return print_help(ctx, "generate-sts-role-token --account NAME --role ROLE [options]", k_specs);
  auto kind = shell_kind_option(*parsed);
  if (!kind) return report(ctx, kind.error());
  if (!parsed->positionals().empty()) {
    return report(ctx, Error{ErrorKind::usage, "unexpected argument '" + parsed->positionals()[0] + "'"});
  }
  auto account = parsed->get("account");
  auto role = parsed->get("role");
  if (!account || !role) return report(ctx, Error{ErrorKind::usage, "Must specify --account and --role"});
  int duration = creds::k_default_role_seconds;
  if (auto text = parsed->get("duration")) {
    auto value =
        creds::parse_duration(*text, creds::k_assume_role_min_seconds, creds::k_assume_role_max_seconds, "--duration");
    if (!value) return report(ctx, value.error());
    duration = *value;
  }
  std::string session_name =
      parsed->get("session-name").value_or(creds::default_session_name(creds::unix_user(ctx.env)));
  if (auto valid = creds::validate_session_name(session_name); !valid) return report(ctx, valid.error());

  std::string arn = *role;
  if (!role->starts_with("arn:")) {
    auto accounts = require_accounts_file(ctx, *parsed, creds::CredsDir::default_path(ctx.env));
    if (!accounts) return report(ctx, accounts.error());
    auto prefix = accounts->arn_prefix(*account);
    if (!prefix) return report(ctx, prefix.error());
    arn = creds::role_arn(*prefix, *role);
  }

  auto caller = caller_credentials(ctx, *parsed, *account);
  if (!caller) return report(ctx, caller.error());

  std::string region = aws::resolve_region(parsed->get("region"), ctx.env);
  auto client = ctx.sts.connect(region);
  if (!client) return report(ctx, client.error());
  aws::AssumeRoleParams params;
  params.role_arn = arn;
  params.role_session_name = session_name;
  params.external_id = parsed->get("external-id");
  params.duration_seconds = duration;
  auto session = (*client)->assume_role(*caller, params);
  if (!session) return report(ctx, session.error());

  emit_seed_output(ctx, *session, region, parsed->has("shell") ? std::optional(*kind) : std::nullopt);
  return 0;
}

}  // namespace stsh::cli

// stsh export PROFILE --format F: a profile's credentials for another tool;
// `credential_process = stsh export --format credential-process PROFILE`
// serves the AWS CLI and SDKs.

#include <array>

#include "aws/shared_config.h"
#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/credential_process.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"format", util::ArgKind::value,
                     "env, bash, zsh, fish, powershell, json or credential-process (default env)", "FORMAT"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_export(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh export");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) {
    return print_help(ctx, "stsh export [PROFILE] [--format FORMAT]   (PROFILE: default AWS_PROFILE, else default)",
                      k_specs);
  }
  if (parsed->positionals().size() > 1) {
    return report(ctx,
                  Error{ErrorKind::usage, "stsh export takes one profile: stsh export [PROFILE] [--format FORMAT]"});
  }
  std::string name = parsed->positionals().empty() ? aws::selected_profile(ctx.env) : parsed->positionals()[0];
  std::string format = parsed->get("format").value_or("env");
  auto kind = shell::parse_shell_kind(format);
  bool known = kind || format == "env" || format == "json" || format == "credential-process";
  if (!known || format == "sh") {
    return report(ctx,
                  Error{ErrorKind::usage, "unknown format '" + format +
                                              "': use env, bash, zsh, fish, powershell, json or credential-process"});
  }

  auto resolver = make_resolver(ctx);
  auto profile = resolver.resolve(name);
  if (!profile) return report(ctx, profile.error());

  if (format == "credential-process") {
    emit_secret(ctx, creds::credential_process_json(profile->credentials));
  } else if (format == "json") {
    emit_secret(ctx, seed_json(profile->credentials));
  } else if (format == "env") {
    emit_secret(ctx, profile_env(ctx, *profile).render_dotenv());
  } else {
    emit_secret(ctx, profile_env(ctx, *profile).render(*kind));
  }
  return 0;
}

}  // namespace stsh::cli

// stsh exec PROFILE [--] CMD [ARGS...]: runs CMD with the profile's
// credentials in its environment (never in argv).

#include <array>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"force", util::ArgKind::flag, "run even inside another 'stsh exec'"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_exec(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh exec", true);
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) {
    return print_help(ctx, "stsh exec PROFILE [--] [CMD [ARGS...]]   (no CMD: starts $SHELL)", k_specs);
  }
  if (parsed->positionals().size() != 1) {
    return report(ctx, Error{ErrorKind::usage, "say which profile: stsh exec PROFILE [--] CMD [ARGS...]"});
  }
  const std::string& name = parsed->positionals()[0];
  if (auto outer = ctx.env.get_nonempty("STSH_PROFILE"); outer && !parsed->has("force")) {
    return report(ctx, Error{ErrorKind::usage, "already inside 'stsh exec " + *outer +
                                                   "' (STSH_PROFILE is set); exit that shell first, or pass --force"});
  }

  std::vector<std::string> command = parsed->rest();
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  if (command.empty()) command.push_back(ctx.env.get_nonempty("SHELL").value_or("/bin/sh"));

  auto resolver = make_resolver(ctx);
  auto profile = resolver.resolve(name);
  if (!profile) return report(ctx, profile.error());

  auto env = profile_env(ctx, *profile).apply(ctx.env.all());
  std::vector<std::string> entries;
  for (auto& [key, value] : env) {
    entries.push_back(key + "=" + value);
    util::wipe(value);
  }
  Error error = ctx.launcher->replace_process(command, entries);
  for (auto& entry : entries) util::wipe(entry);
  return report(ctx, error);
}

}  // namespace stsh::cli

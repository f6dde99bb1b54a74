// stsh switch [NAME] (ec2switch): the account's cached MFA session when it
// is still valid, else its long-lived keys. Never touches the network.

#include <array>

#include "cli/command_table.h"
#include "cli/seed_support.h"
#include "creds/session_cache.h"
#include "util/strings.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"shell", util::ArgKind::optional_value, "output syntax: sh (default), bash, zsh, fish", "KIND"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_switch(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh switch");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "eval \"$(stsh switch [NAME])\"   (or the ec2switch function)", k_specs);
  auto kind = shell_kind_option(*parsed);
  if (!kind) return report(ctx, kind.error());
  if (parsed->positionals().size() > 1) {
    return report(ctx, Error{ErrorKind::usage, "stsh switch takes one account name"});
  }

  creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
  if (parsed->positionals().empty()) {
    auto names = dir.account_names();
    if (!names) return report(ctx, names.error());
    ctx.err << "Possible accounts: " << util::join(*names, " ") << "\n";
    return 0;
  }

  auto account = dir.load(parsed->positionals()[0]);
  if (!account) return report(ctx, account.error());

  creds::SessionCache cache(ctx.fs, dir.path());
  auto lookup = cache.lookup(account->name, ctx.clock.now());
  switch (lookup.state) {
    case creds::CacheState::valid: ctx.err << "Cache is valid for account " << account->name << "\n"; break;
    case creds::CacheState::absent: ctx.err << "Cache not present for account " << account->name << "\n"; break;
    case creds::CacheState::corrupt:
      warn(ctx, lookup.problem);
      [[fallthrough]];
    case creds::CacheState::expired:
      ctx.err << "Cache invalid or not present for account " << account->name << "\n";
      break;
  }

  const aws::Credentials& chosen = lookup.session ? *lookup.session : account->keys;
  ctx.err << "Set keys for " << set_for_label(account->name, chosen) << " AWS account\n";
  ctx.err.flush();
  emit_secret(ctx, account_env(account->name, chosen).render(*kind));
  return 0;
}

}  // namespace stsh::cli

// stsh switch [NAME] (ec2switch): the account's cached MFA session when it
// is still valid, else its long-lived keys. Never touches the network.

#include <algorithm>
#include <array>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/session_cache.h"
#include "util/strings.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"shell", util::ArgKind::optional_value, "output syntax: sh (default), bash, zsh, fish", "KIND"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

int list_accounts(Context& ctx, const creds::CredsDir& dir) {
  auto names = dir.account_names();
  auto resolver = make_resolver(ctx);
  auto profiles = resolver.list();
  std::vector<std::string> accounts = names ? *names : std::vector<std::string>{};
  std::vector<std::string> profile_names;
  for (const auto& p : profiles ? *profiles : std::vector<creds::ProfileSummary>{}) {
    if (!p.backend.empty())
      accounts.push_back(p.name);  // seed accounts imported into a backend
    else if (!p.seed_account)
      profile_names.push_back(p.name);
  }
  std::sort(accounts.begin(), accounts.end());
  if (!names && accounts.empty() && profile_names.empty()) return report(ctx, names.error());
  ctx.err << "Possible accounts: " << util::join(accounts, " ") << "\n";
  if (!profile_names.empty()) ctx.err << "Profiles: " << util::join(profile_names, " ") << "\n";
  return 0;
}

}  // namespace

int switch_to_profile(Context& ctx, creds::ProfileResolver& resolver, const std::string& name, shell::ShellKind kind,
                      const creds::ResolveOptions& options) {
  auto profile = resolver.resolve(name, options);
  if (!profile) return report(ctx, profile.error());
  shell::EnvScript script = account_env(profile->name, profile->credentials, profile_label(*profile), !profile->region);
  if (profile->region) {
    script.set("AWS_REGION", *profile->region);
    script.set("AWS_DEFAULT_REGION", *profile->region);
  }
  ctx.err << "Set keys for " << profile_label(*profile) << " AWS account\n";
  ctx.err.flush();
  emit_secret(ctx, script.render(kind));
  return 0;
}

int switch_to_stored_account(Context& ctx, creds::ProfileResolver& resolver, const std::string& name,
                             shell::ShellKind kind) {
  creds::ResolveOptions cached;
  cached.cache_only = true;
  auto resolved = resolver.resolve(name, cached);
  if (!resolved && creds::is_unknown_name(resolved.error())) {
    // Nowhere at all: the seed's own message, listing the accounts.
    creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
    auto seed = dir.load(name);
    return report(ctx, seed ? resolved.error() : seed.error());
  }
  if (!resolved) return report(ctx, resolved.error());
  bool valid = resolved->complete && resolved->credentials.is_session();
  ctx.err << (valid ? "Cache is valid for account " : "Cache not present for account ") << name << "\n";
  aws::Credentials chosen = std::move(resolved->credentials);
  ctx.err << "Set keys for " << set_for_label(name, chosen) << " AWS account\n";
  ctx.err.flush();
  emit_secret(ctx, account_env(name, chosen).render(kind));
  return 0;
}

int run_switch(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh switch");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help"))
    return print_help(ctx, "eval \"$(stsh switch [NAME])\"   (or the ec2switch function)", k_specs);
  auto kind = shell_kind_option(*parsed);
  if (!kind) return report(ctx, kind.error());
  if (parsed->positionals().size() > 1) {
    return report(ctx, Error{ErrorKind::usage, "stsh switch takes one account name"});
  }

  creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
  if (parsed->positionals().empty()) return list_accounts(ctx, dir);
  const std::string& name = parsed->positionals()[0];
  // Seed accounts first, so ec2switch behaves exactly as it always did.
  auto found = dir.find(name);
  if (!found) return report(ctx, found.error());
  if (!*found) {
    auto resolver = make_resolver(ctx);
    auto is_profile = resolver.is_config_profile(name);
    if (!is_profile) return report(ctx, is_profile.error());
    if (*is_profile) return switch_to_profile(ctx, resolver, name, *kind, {});
    return switch_to_stored_account(ctx, resolver, name, *kind);
  }
  auto& account = *found;

  creds::SessionCache cache(ctx.fs, dir.path());
  auto lookup = cache.lookup(account->name, ctx.clock.now());
  switch (lookup.state) {
    case creds::CacheState::valid: ctx.err << "Cache is valid for account " << account->name << "\n"; break;
    case creds::CacheState::absent: ctx.err << "Cache not present for account " << account->name << "\n"; break;
    case creds::CacheState::corrupt: warn(ctx, lookup.problem); [[fallthrough]];
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

// stsh clear [PROFILE]: removes cached sessions, all of them or a profile's.

#include <array>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/credential_cache.h"
#include "creds/creds_dir.h"
#include "creds/session_cache.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_clear(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh clear");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh clear [PROFILE]", k_specs);
  if (parsed->positionals().size() > 1) return report(ctx, Error{ErrorKind::usage, "stsh clear takes one profile"});

  creds::CredentialCache cache(ctx.fs, creds::CredentialCache::default_dir(ctx.env),
                               creds::CredentialCache::lock_timeout(ctx.env));
  creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
  creds::SessionCache seed_cache(ctx.fs, dir.path());
  int removed = 0;

  if (parsed->positionals().empty()) {
    auto cleared = cache.clear();
    if (!cleared) return report(ctx, cleared.error());
    removed += *cleared;
    if (dir.exists()) {
      auto names = dir.account_names();
      for (const auto& name : names ? *names : std::vector<std::string>{}) {
        if (seed_cache.lookup(name, ctx.clock.now()).state == creds::CacheState::absent) continue;
        if (auto gone = seed_cache.remove(name); !gone) return report(ctx, gone.error());
        ++removed;
      }
    }
    // Sessions of accounts held in a secret backend live beside their keys.
    auto resolver = make_resolver(ctx);
    auto profiles = resolver.list();
    for (const auto& p : profiles ? *profiles : std::vector<creds::ProfileSummary>{}) {
      if (p.backend.empty()) continue;
      auto forgotten = resolver.forget(p.name);
      if (!forgotten) return report(ctx, forgotten.error());
      removed += *forgotten;
    }
  } else {
    auto resolver = make_resolver(ctx);
    auto forgotten = resolver.forget(parsed->positionals()[0]);
    if (!forgotten) return report(ctx, forgotten.error());
    removed += *forgotten;
  }
  ctx.err << "Cleared " << removed << " cached session" << (removed == 1 ? "" : "s") << "\n";
  return 0;
}

}  // namespace stsh::cli

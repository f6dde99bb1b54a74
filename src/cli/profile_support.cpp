#include "cli/profile_support.h"

#include "aws/endpoint.h"
#include "cli/seed_support.h"
#include "util/time_format.h"

namespace stsh::cli {

store::StoreDeps store_deps(Context& ctx) { return {ctx.fs, ctx.env, ctx.clock, ctx.terminal, ctx.exe_path}; }

creds::ProfileResolver make_resolver(Context& ctx, std::optional<std::string> backend) {
  // Opened only when a name is neither a profile nor a seed account, so the
  // common paths never probe a keyring.
  struct OpenedStore {
    std::unique_ptr<store::SecretStore> store;
    std::optional<Error> error;
  };
  auto opened = std::make_shared<OpenedStore>();
  auto open_store = [&ctx, backend, opened]() -> Result<store::SecretStore*> {
    if (!opened->store && !opened->error) {
      auto deps = store_deps(ctx);
      auto name = store::choose_backend(backend, deps);
      auto store = name ? store::open_backend(*name, deps) : std::unexpected(name.error());
      if (store)
        opened->store = std::move(*store);
      else
        opened->error = store.error();
    }
    if (opened->error) return std::unexpected(*opened->error);
    return opened->store.get();
  };
  creds::ResolverDeps deps{ctx.fs,
                           ctx.env,
                           ctx.clock,
                           ctx.terminal,
                           [&ctx](const std::string& region) { return ctx.sts.connect(region); },
                           [&ctx](std::string_view message) {
                             ctx.err << "stsh: " << message << "\n";
                             ctx.err.flush();
                           },
                           open_store};
  return creds::ProfileResolver(std::move(deps));
}

std::string profile_label(const creds::ResolvedProfile& profile) {
  // Seed accounts (plaintext or imported into a backend) keep the seed's
  // NAME-MFA-STS; a profile of the AWS config files is its name.
  bool seed_like = profile.seed_account || !profile.backend.empty();
  return seed_like ? set_for_label(profile.name, profile.credentials) : profile.name;
}

shell::EnvScript profile_env(Context& ctx, const creds::ResolvedProfile& profile) {
  shell::EnvScript script = account_env(profile.name, profile.credentials, profile_label(profile), false);
  std::string region = profile.region ? *profile.region : aws::resolve_region(std::nullopt, ctx.env);
  script.set("AWS_REGION", region);
  script.set("AWS_DEFAULT_REGION", region);
  if (profile.credentials.expiration) {
    script.set("AWS_CREDENTIAL_EXPIRATION", util::format_iso8601(*profile.credentials.expiration));
  } else {
    script.unset("AWS_CREDENTIAL_EXPIRATION");
  }
  script.set("STSH_PROFILE", profile.name);
  return script;
}

}  // namespace stsh::cli

#pragma once
// What the profile commands (export, exec, list, switch/mfa of a profile)
// share: a resolver wired to the context, and the variables they set.

#include "cli/context.h"
#include "creds/profile_resolver.h"
#include "shell/env_script.h"
#include "store/backends.h"

namespace stsh::cli {

// `backend` is --backend when the command has one.
creds::ProfileResolver make_resolver(Context& ctx, std::optional<std::string> backend = std::nullopt);

store::StoreDeps store_deps(Context& ctx);

// MY_AWS_SET_FOR for a resolved profile.
std::string profile_label(const creds::ResolvedProfile& profile);

// The variables of `switch` for the profile, plus AWS_REGION,
// AWS_DEFAULT_REGION, AWS_CREDENTIAL_EXPIRATION and STSH_PROFILE.
shell::EnvScript profile_env(Context& ctx, const creds::ResolvedProfile& profile);

// `switch`/`mfa` for an AWS config profile: resolve it, print the messages
// and the shell code.
int switch_to_profile(Context& ctx, creds::ProfileResolver& resolver, const std::string& name, shell::ShellKind kind,
                      const creds::ResolveOptions& options);

// `switch` for an account whose keys were imported into a secret backend:
// the seed's messages and variables, its cached session else its keys.
int switch_to_stored_account(Context& ctx, creds::ProfileResolver& resolver, const std::string& name,
                             shell::ShellKind kind);

}  // namespace stsh::cli

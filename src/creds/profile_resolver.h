#pragma once
// Turns a profile name into credentials: resolves its chain (AWS config
// profile, else a seed account), then runs each step through the shared
// cache, asking for an MFA code at most once per source identity.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/shared_config.h"
#include "aws/sts_client.h"
#include "creds/credential_cache.h"
#include "creds/profile_chain.h"
#include "store/secret_store.h"
#include "util/clock.h"
#include "util/environment.h"
#include "util/file_system.h"
#include "util/terminal.h"

namespace stsh::creds {

using StsFactory = std::function<Result<std::unique_ptr<aws::StsService>>(const std::string& region)>;

struct ResolverDeps {
  util::FileSystem& fs;
  const util::Environment& env;
  const util::Clock& clock;
  util::Terminal& terminal;
  StsFactory sts;
  std::function<void(std::string_view)> notice;  // one line for the user's stderr
  // The chosen secret backend, opened on first use; empty: none.
  std::function<Result<store::SecretStore*>()> store = {};
};

struct ResolveOptions {
  bool refresh_mfa = false;               // ignore a cached MFA session
  std::optional<std::string> token_code;  // MFA code given up front
  bool cache_only = false;                // never call STS, run a process or prompt
  // When set, every cache slot the resolution looks at is handed over here.
  std::vector<std::unique_ptr<CacheSlot>>* visited = nullptr;
};

enum class ProfileKind { keys, role, process, environment, sso, web_identity };
std::string_view profile_kind_name(ProfileKind kind);

struct ResolvedProfile {
  std::string name;
  ProfileKind kind = ProfileKind::keys;
  bool seed_account = false;  // keys in the seed's ~/aws-creds
  std::string backend;        // the secret backend holding the keys, if one does
  aws::Credentials credentials;
  std::optional<std::string> region;  // the profile's own region
  // False when cache_only stopped at a step with nothing cached: then
  // `credentials` are what the chain had up to there (its base keys, say).
  bool complete = true;
};

struct ProfileSummary {
  std::string name;
  ProfileKind kind;
  bool seed_account = false;
  std::string backend;               // set for accounts whose keys a secret backend holds
  std::optional<std::string> error;  // when the profile cannot be resolved
};

// Whether `error` says the name is nowhere: no profile, seed account or stored account.
bool is_unknown_name(const Error& error);

class ProfileResolver {
 public:
  explicit ProfileResolver(ResolverDeps deps) : m_deps(std::move(deps)) {}

  Result<ResolvedProfile> resolve(std::string_view name, const ResolveOptions& options = {});
  // The credentials at the root of NAME's chain, without any STS call.
  Result<aws::Credentials> base_keys(std::string_view name);
  // Removes the cached sessions this profile's resolution would use; returns how many.
  Result<int> forget(std::string_view name);
  // Whether NAME is a profile of the AWS config files (not only a seed account).
  Result<bool> is_config_profile(std::string_view name);
  // Every profile of the AWS config files, then every seed account not shadowed by one.
  Result<std::vector<ProfileSummary>> list();

 private:
  Result<const aws::SharedConfig*> config();
  // Fills out.seed_account, out.backend and out.region.
  Result<ProfileChain> chain_for(std::string_view name, ResolvedProfile& out);
  Result<ProfileChain> stored_account_chain(std::string_view name, ResolvedProfile& out);
  std::optional<std::string> seed_mfa_serial(std::string_view account, const std::optional<std::string>& user);

 public:
  // The chain of a profile or seed account, for `clear`.
  Result<ProfileChain> chain(std::string_view name) {
    ResolvedProfile out;
    return chain_for(name, out);
  }

 private:
  Result<aws::Credentials> base_credentials(const ProfileChain& chain);
  Result<std::string> mfa_code(std::string_view serial, bool seed_account, const std::string& profile,
                               const ResolveOptions& options);
  std::string sts_region(const std::optional<std::string>& profile_region) const;

  ResolverDeps m_deps;
  std::optional<aws::SharedConfig> m_config;
};

}  // namespace stsh::creds

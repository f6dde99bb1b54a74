#include "creds/profile_chain.h"

#include <algorithm>
#include <array>
#include <utility>

#include "creds/validate.h"
#include "util/strings.h"

// The walk and its precedence follow aws-sdk-rust's
// aws-config/src/profile/credentials/repr.rs, where the spec tests come
// from; error texts keep the SDK's wording so the tests' substrings match.

namespace stsh::creds {

namespace {

using aws::PropertyMap;

constexpr std::string_view k_role_arn = "role_arn";
constexpr std::string_view k_source_profile = "source_profile";
constexpr std::string_view k_credential_source = "credential_source";
constexpr std::string_view k_external_id = "external_id";
constexpr std::string_view k_role_session_name = "role_session_name";
constexpr std::string_view k_mfa_serial = "mfa_serial";
constexpr std::string_view k_duration_seconds = "duration_seconds";
constexpr std::string_view k_web_identity_token_file = "web_identity_token_file";
constexpr std::string_view k_access_key_id = "aws_access_key_id";
constexpr std::string_view k_secret_access_key = "aws_secret_access_key";
constexpr std::string_view k_session_token = "aws_session_token";
constexpr std::string_view k_account_id = "aws_account_id";
constexpr std::string_view k_credential_process = "credential_process";
constexpr std::string_view k_sso_session = "sso_session";
constexpr std::string_view k_sso_start_url = "sso_start_url";
constexpr std::string_view k_sso_region = "sso_region";
constexpr std::string_view k_sso_account_id = "sso_account_id";
constexpr std::string_view k_sso_role_name = "sso_role_name";

// The names the SDKs give their built-in providers; anything else would only
// fail later, after the user has typed an MFA code.
constexpr std::array<std::string_view, 3> k_named_sources = {"Environment", "Ec2InstanceMetadata", "EcsContainer"};

// A profile as the walk sees it: its name travels with it into every message.
struct Profile {
  const std::string& name;
  const PropertyMap& properties;

  std::optional<std::string> get(std::string_view key) const {
    auto it = properties.find(std::string(key));
    if (it == properties.end()) return std::nullopt;
    return it->second;
  }
  bool has(std::string_view key) const { return properties.contains(std::string(key)); }
};

std::unexpected<Error> config_error(std::string message) { return fail(ErrorKind::config, std::move(message)); }

std::unexpected<Error> invalid_source(const Profile& profile, std::string_view message) {
  return config_error("invalid credential source in `" + profile.name + "`: " + std::string(message));
}

Result<StaticKeysSource> static_keys(const Profile& profile) {
  auto access_key_id = profile.get(k_access_key_id);
  auto secret_access_key = profile.get(k_secret_access_key);
  auto session_token = profile.get(k_session_token);
  if (!access_key_id && !secret_access_key && !session_token) {
    return config_error("profile `" + profile.name + "` did not contain credential information");
  }
  if (!access_key_id) return invalid_source(profile, "profile missing aws_access_key_id");
  if (!secret_access_key) return invalid_source(profile, "profile missing aws_secret_access_key");
  return StaticKeysSource{
      .profile = profile.name,
      .access_key_id = std::move(*access_key_id),
      .secret_access_key = util::Secret(std::move(*secret_access_key)),
      .session_token = util::Secret(session_token.value_or("")),
      .account_id = profile.get(k_account_id),
      .mfa_serial = profile.get(k_mfa_serial),
  };
}

// std::nullopt: the profile says nothing about web identity.
std::optional<Result<BaseSource>> web_identity_source(const Profile& profile) {
  auto token_file = profile.get(k_web_identity_token_file);
  if (!token_file) return std::nullopt;
  auto role_arn = profile.get(k_role_arn);
  if (!role_arn) return invalid_source(profile, "`web_identity_token_file` was specified but `role_arn` was missing");
  return WebIdentitySource{std::move(*role_arn), std::move(*token_file), profile.get(k_role_session_name)};
}

std::unexpected<Error> missing_field(const Profile& profile, std::string_view key) {
  return config_error("missing credential source in `" + profile.name + "`: `" + std::string(key) + "` was missing");
}

std::unexpected<Error> invalid_sso(const Profile& profile, const std::string& message) {
  return config_error("profile `" + profile.name + "` has invalid SSO config: " + message);
}

// std::nullopt: the profile has no sso_* property at all.
std::optional<Result<BaseSource>> sso_source(const aws::SharedConfig& config, const Profile& profile) {
  SsoSource sso{profile.get(k_sso_session), profile.get(k_sso_start_url), profile.get(k_sso_region),
                profile.get(k_sso_account_id), profile.get(k_sso_role_name)};
  if (!sso.sso_session && !sso.sso_start_url && !sso.sso_region && !sso.sso_account_id && !sso.sso_role_name) {
    return std::nullopt;
  }
  if (sso.sso_session) {
    // With a session, the start URL and region belong to the [sso-session]
    // section only, so one login serves every profile that names it.
    for (std::string_view key : {k_sso_start_url, k_sso_region}) {
      if (profile.has(key)) {
        return invalid_sso(profile,
                           "`" + std::string(key) +
                               "` can only be specified in the [sso-session] config when a session name is given");
      }
    }
    auto session = config.sso_sessions.find(*sso.sso_session);
    if (session == config.sso_sessions.end()) {
      return config_error("sso-session named `" + *sso.sso_session + "` (referenced by profile `" + profile.name +
                          "`) was not found");
    }
    const Profile section{session->first, session->second};
    sso.sso_start_url = section.get(k_sso_start_url);
    sso.sso_region = section.get(k_sso_region);
  }
  if (sso.sso_account_id && !sso.sso_role_name) {
    return invalid_sso(profile, "if `sso_account_id` is set, then `sso_role_name` must also be set");
  }
  if (sso.sso_role_name && !sso.sso_account_id) {
    return invalid_sso(profile, "if `sso_role_name` is set, then `sso_account_id` must also be set");
  }
  if (!sso.sso_region) return missing_field(profile, k_sso_region);
  if (!sso.sso_start_url) return missing_field(profile, k_sso_start_url);
  return sso;
}

// A profile that ends the chain. Precedence (repr.rs base_provider):
// credential_source, web identity, SSO, credential_process, static keys.
Result<BaseSource> base_source(const aws::SharedConfig& config, const Profile& profile) {
  if (auto name = profile.get(k_credential_source)) {
    if (std::ranges::find(k_named_sources, *name) == k_named_sources.end()) {
      return invalid_source(profile, "profile referenced `" + *name +
                                         "` provider but that provider is not supported (use Environment, "
                                         "Ec2InstanceMetadata or EcsContainer)");
    }
    return NamedSource{std::move(*name)};
  }
  if (auto web_identity = web_identity_source(profile)) return std::move(*web_identity);
  if (auto sso = sso_source(config, profile)) return std::move(*sso);
  if (auto command = profile.get(k_credential_process)) {
    return ProcessSource{profile.name, std::move(*command), profile.get(k_account_id)};
  }
  auto keys = static_keys(profile);
  if (!keys) return std::unexpected(std::move(keys.error()));
  return std::move(*keys);
}

// A role_arn is what makes a profile a link rather than an end, except with
// web_identity_token_file, where the role is assumed with the token instead.
bool is_role_profile(const Profile& profile) {
  return profile.has(k_role_arn) && !profile.has(k_web_identity_token_file);
}

Result<AssumeRoleStep> role_step(const Profile& profile) {
  AssumeRoleStep step{
      .profile = profile.name,
      .role_arn = *profile.get(k_role_arn),
      .external_id = profile.get(k_external_id),
      .role_session_name = profile.get(k_role_session_name),
      .mfa_serial = profile.get(k_mfa_serial),
      .duration_seconds = std::nullopt,
  };
  if (auto text = profile.get(k_duration_seconds)) {
    auto seconds = parse_duration(*text, k_assume_role_min_seconds, k_assume_role_max_seconds, k_duration_seconds);
    if (!seconds) return config_error("profile `" + profile.name + "`: " + seconds.error().message);
    step.duration_seconds = *seconds;
  }
  return step;
}

// The profile whose credentials assume this profile's role; std::nullopt
// when they come from the profile itself (credential_source, or itself as
// source_profile).
Result<std::optional<std::string>> next_profile(const Profile& profile) {
  auto source_profile = profile.get(k_source_profile);
  const bool has_credential_source = profile.has(k_credential_source);
  if (source_profile && has_credential_source) {
    return invalid_source(profile,
                          "profile contained both source_profile and credential_source. Only one or the other can be "
                          "defined");
  }
  if (!source_profile && !has_credential_source) {
    return invalid_source(profile,
                          "profile must contain `source_profile` or `credential_source` but neither were defined");
  }
  if (!source_profile || *source_profile == profile.name) return std::optional<std::string>{};
  return source_profile;
}

ProfileChain finish(BaseSource base, std::vector<AssumeRoleStep> roles_outermost_first) {
  std::ranges::reverse(roles_outermost_first);
  return ProfileChain{std::move(base), std::move(roles_outermost_first)};
}

}  // namespace

Result<ProfileChain> resolve_profile_chain(const aws::SharedConfig& config, std::string_view selected) {
  if (config.profiles.empty()) return config_error("No profiles were defined");

  std::vector<std::string> visited;
  std::vector<AssumeRoleStep> roles;
  std::string name(selected);
  while (true) {
    auto found = config.profiles.find(name);
    if (found == config.profiles.end()) {
      if (visited.empty()) return config_error("profile `" + name + "` was not defined");
      return config_error("could not find source profile " + name + " referenced from " + visited.back());
    }
    if (std::ranges::find(visited, name) != visited.end()) {
      visited.push_back(name);
      return config_error("profile formed an infinite loop: " + util::join(visited, " -> "));
    }
    visited.push_back(name);
    const Profile profile{found->first, found->second};
    const bool is_source = visited.size() > 1;

    // A source profile with complete static keys ends the chain even when it
    // names a role itself: the SDKs take its keys, not its role.
    if (is_source) {
      if (auto keys = static_keys(profile)) return finish(std::move(*keys), std::move(roles));
    }

    std::optional<std::string> next;
    if (is_role_profile(profile)) {
      auto step = role_step(profile);
      if (!step) return std::unexpected(std::move(step.error()));
      auto source = next_profile(profile);
      if (!source) return std::unexpected(std::move(source.error()));
      roles.push_back(std::move(*step));
      next = std::move(*source);
    }
    if (!next) {
      auto base = base_source(config, profile);
      if (!base) {
        if (!is_source) return std::unexpected(std::move(base.error()));
        return config_error("could not load source profile " + name + " referenced from " +
                            visited[visited.size() - 2] + ": " + base.error().message);
      }
      return finish(std::move(*base), std::move(roles));
    }
    name = std::move(*next);
  }
}

}  // namespace stsh::creds

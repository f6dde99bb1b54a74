#pragma once
// Resolves a profile into the chain of steps that produce its credentials,
// as the AWS SDKs do (../shared/aws-sdk-spec-tests/assume-role-tests.json):
// a base source, then zero or more AssumeRole steps, outermost last.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aws/shared_config.h"
#include "util/error.h"
#include "util/secret.h"

namespace stsh::creds {

struct StaticKeysSource {
  std::string profile;
  std::string access_key_id;
  util::Secret secret_access_key;
  util::Secret session_token;             // aws_session_token, may be empty
  std::optional<std::string> account_id;  // aws_account_id
  std::optional<std::string> mfa_serial;  // the profile's mfa_serial, if any
};

// credential_source = Environment | Ec2InstanceMetadata | EcsContainer
struct NamedSource {
  std::string name;
};

struct ProcessSource {
  std::string profile;
  std::string command;                    // credential_process
  std::optional<std::string> account_id;  // aws_account_id, used when the process names none
};

struct WebIdentitySource {
  std::string role_arn;
  std::string token_file;
  std::optional<std::string> role_session_name;
};

struct SsoSource {
  std::optional<std::string> sso_session;
  std::optional<std::string> sso_start_url;
  std::optional<std::string> sso_region;
  std::optional<std::string> sso_account_id;
  std::optional<std::string> sso_role_name;
};

using BaseSource = std::variant<StaticKeysSource, NamedSource, ProcessSource, WebIdentitySource, SsoSource>;

struct AssumeRoleStep {
  std::string profile;  // the profile that names this role
  std::string role_arn;
  std::optional<std::string> external_id;
  std::optional<std::string> role_session_name;
  std::optional<std::string> mfa_serial;
  std::optional<int> duration_seconds;
};

struct ProfileChain {
  BaseSource base;
  std::vector<AssumeRoleStep> roles;  // applied in order, base first
};

// Errors are ErrorKind::config with the SDKs' wording where the spec tests
// give one (e.g. "profile formed an infinite loop: A -> B -> A").
Result<ProfileChain> resolve_profile_chain(const aws::SharedConfig& config, std::string_view profile);

}  // namespace stsh::creds

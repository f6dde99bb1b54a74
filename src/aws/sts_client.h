#pragma once
// The three STS calls stsh makes, over the Query API (POST form body),
// signed with SigV4, with retries on throttling, 5xx and network errors.

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/crypto.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "util/clock.h"
#include "util/error.h"

namespace stsh::aws {

struct GetSessionTokenParams {
  std::optional<std::string> mfa_serial;
  std::optional<std::string> token_code;
  std::optional<int> duration_seconds;
};

struct AssumeRoleParams {
  std::string role_arn;
  std::string role_session_name;
  std::optional<std::string> external_id;
  std::optional<std::string> mfa_serial;
  std::optional<std::string> token_code;
  std::optional<int> duration_seconds;
};

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{2000};
};

// The STS calls stsh makes; implemented in-process (StsClient) and by the
// network helper process (see src/cli/remote_sts.h).
class StsService {
 public:
  virtual ~StsService() = default;
  virtual Result<Credentials> get_session_token(const Credentials& caller, const GetSessionTokenParams& params) = 0;
  virtual Result<Credentials> assume_role(const Credentials& caller, const AssumeRoleParams& params) = 0;
  virtual Result<CallerIdentity> get_caller_identity(const Credentials& caller) = 0;
};

class StsClient final : public StsService {
 public:
  StsClient(HttpClient& http, const Crypto& crypto, const util::Clock& clock, util::Sleeper& sleeper, Endpoint endpoint,
            std::string region, RetryPolicy retry = {});

  Result<Credentials> get_session_token(const Credentials& caller, const GetSessionTokenParams& params) override;
  Result<Credentials> assume_role(const Credentials& caller, const AssumeRoleParams& params) override;
  Result<CallerIdentity> get_caller_identity(const Credentials& caller) override;

 private:
  // Sends one Action with its form parameters; returns the 2xx body.
  Result<std::string> call(const Credentials& caller, const std::string& form_body);

  HttpClient& m_http;
  const Crypto& m_crypto;
  const util::Clock& m_clock;
  util::Sleeper& m_sleeper;
  Endpoint m_endpoint;
  std::string m_region;
  RetryPolicy m_retry;
};

// application/x-www-form-urlencoded with RFC 3986 unreserved characters kept.
std::string form_encode(std::string_view value);

}  // namespace stsh::aws

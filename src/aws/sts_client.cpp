#include "aws/sts_client.h"

#include <algorithm>
#include <array>
#include <random>

#include "aws/sigv4.h"
#include "aws/sts_xml.h"
#include "util/secret.h"

namespace stsh::aws {

namespace {

constexpr std::string_view k_api_version = "2011-06-15";
constexpr std::string_view k_content_type = "application/x-www-form-urlencoded; charset=utf-8";

// Error codes the AWS SDKs treat as throttling or transient, whatever the HTTP status.
constexpr std::array<std::string_view, 12> k_retryable_codes{
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "RequestTimeout",
    "RequestTimeoutException",
    "BandwidthLimitExceeded",
};

bool is_retryable(long status, const std::optional<StsError>& error) {
  if (status >= 500 || status == 429) return true;
  return error && std::find(k_retryable_codes.begin(), k_retryable_codes.end(), error->code) != k_retryable_codes.end();
}

// "Full jitter": a uniform pick below an exponentially growing cap spreads
// out clients that were throttled together.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_index) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  long long cap = policy.base_delay.count();
  for (int i = 0; i < retry_index && cap < policy.max_delay.count(); ++i) cap *= 2;
  cap = std::min(cap, static_cast<long long>(policy.max_delay.count()));
  if (cap <= 0) return std::chrono::milliseconds{0};
  std::uniform_int_distribution<long long> pick(0, cap);
  return std::chrono::milliseconds{pick(engine)};
}

std::string attempts_note(int attempts) {
  return attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "";
}

void add_param(std::string& body, std::string_view name, std::string_view value) {
  body += '&';
  body += name;
  body += '=';
  body += form_encode(value);
}

std::string action_body(std::string_view action) {
  std::string body = "Action=";
  body += action;
  body += "&Version=";
  body += k_api_version;
  return body;
}

void add_mfa_and_duration(std::string& body, const std::optional<std::string>& mfa_serial,
                          const std::optional<std::string>& token_code, const std::optional<int>& duration_seconds) {
  if (duration_seconds) add_param(body, "DurationSeconds", std::to_string(*duration_seconds));
  if (mfa_serial) add_param(body, "SerialNumber", *mfa_serial);
  if (token_code) add_param(body, "TokenCode", *token_code);
}

// The body holds the new secret key and session token: wiped once parsed.
Result<Credentials> credentials_from(Result<std::string> response) {
  if (!response) return std::unexpected(response.error());
  auto creds = parse_credentials_response(*response);
  util::wipe(*response);
  return creds;
}

// One line for an HTTP error: STS's "Code: Message" when it sent one.
Error status_error(long status, const std::optional<StsError>& error, const std::string& host, int attempts) {
  std::string where = "HTTP " + std::to_string(status) + " from " + host;
  if (!error) return {ErrorKind::aws, where + attempts_note(attempts)};
  if (error->code.empty()) return {ErrorKind::aws, where + ": " + error->message + attempts_note(attempts)};
  if (error->message.empty()) return {ErrorKind::aws, error->code + " (" + where + ")" + attempts_note(attempts)};
  return {ErrorKind::aws, error->code + ": " + error->message};
}

}  // namespace

std::string form_encode(std::string_view value) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
                      u == '_' || u == '.' || u == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += k_hex[u >> 4];
      out += k_hex[u & 0x0f];
    }
  }
  return out;
}

StsClient::StsClient(HttpClient& http, const Crypto& crypto, const util::Clock& clock, util::Sleeper& sleeper,
                     Endpoint endpoint, std::string region, RetryPolicy retry)
    : m_http(http),
      m_crypto(crypto),
      m_clock(clock),
      m_sleeper(sleeper),
      m_endpoint(std::move(endpoint)),
      m_region(std::move(region)),
      m_retry(retry) {}

Result<Credentials> StsClient::get_session_token(const Credentials& caller, const GetSessionTokenParams& params) {
  std::string body = action_body("GetSessionToken");
  add_mfa_and_duration(body, params.mfa_serial, params.token_code, params.duration_seconds);
  return credentials_from(call(caller, body));
}

Result<Credentials> StsClient::assume_role(const Credentials& caller, const AssumeRoleParams& params) {
  std::string body = action_body("AssumeRole");
  add_param(body, "RoleArn", params.role_arn);
  add_param(body, "RoleSessionName", params.role_session_name);
  if (params.external_id) add_param(body, "ExternalId", *params.external_id);
  add_mfa_and_duration(body, params.mfa_serial, params.token_code, params.duration_seconds);
  return credentials_from(call(caller, body));
}

Result<CallerIdentity> StsClient::get_caller_identity(const Credentials& caller) {
  auto response = call(caller, action_body("GetCallerIdentity"));
  if (!response) return std::unexpected(response.error());
  return parse_caller_identity_response(*response);
}

Result<std::string> StsClient::call(const Credentials& caller, const std::string& form_body) {
  const int max_attempts = std::max(1, m_retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= max_attempts;
    // Each attempt is signed afresh: X-Amz-Date must stay close to the server's clock.
    HttpRequest request;
    request.method = "POST";
    request.url = m_endpoint.url;
    request.headers.emplace_back("Content-Type", std::string(k_content_type));
    request.body = form_body;
    sign_request(m_crypto, request, caller, SigningScope{m_region, "sts", m_clock.now()});
    auto response = m_http.send(request);
    for (auto& header : request.headers) util::wipe(header.second);

    if (!response) {
      if (response.error().kind != ErrorKind::network) return std::unexpected(response.error());
      if (last) return fail(ErrorKind::network, response.error().message + attempts_note(attempt));
    } else if (response->status >= 200 && response->status < 300) {
      return std::move(response->body);
    } else {
      auto error = parse_error_response(response->body);
      if (last || !is_retryable(response->status, error)) {
        return std::unexpected(status_error(response->status, error, m_endpoint.host, attempt));
      }
    }
    m_sleeper.sleep(backoff_delay(m_retry, attempt - 1));
  }
}

}  // namespace stsh::aws

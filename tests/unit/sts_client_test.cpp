#include "aws/sts_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "aws/sigv4.h"

namespace stsh::aws {
namespace {

using namespace std::chrono;

// Deterministic stand-in: the client only needs signing to run, not to be right.
class FakeCrypto final : public Crypto {
 public:
  Digest sha256(std::string_view data) const override { return mix("sha", data); }
  Digest hmac_sha256(std::string_view key, std::string_view data) const override { return mix(std::string(key), data); }

 private:
  static Digest mix(const std::string& key, std::string_view data) {
    Digest d{};
    std::size_t h = std::hash<std::string>{}(key + '|' + std::string(data));
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>((h >> ((i % 8) * 8)) + i);
    return d;
  }
};

class FakeHttpClient final : public HttpClient {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (script.empty()) return fail(ErrorKind::internal, "no scripted response left");
    auto next = script.front();
    script.pop_front();
    return next;
  }
  void respond(long status, std::string body) { script.push_back(HttpResponse{status, std::move(body)}); }
  void fail_with(ErrorKind kind, std::string message) { script.push_back(fail(kind, std::move(message))); }

  std::vector<HttpRequest> requests;
  std::deque<Result<HttpResponse>> script;
};

// Moves the clock on, so each attempt has its own signing time.
class FakeSleeper final : public util::Sleeper {
 public:
  explicit FakeSleeper(util::FixedClock& clock) : m_clock(clock) {}
  void sleep(milliseconds duration) override {
    sleeps.push_back(duration);
    m_clock.set(m_clock.now() + seconds{1});
  }
  std::vector<milliseconds> sleeps;

 private:
  util::FixedClock& m_clock;
};

std::string header(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return v;
  }
  return "<absent>";
}

int from_hex(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> fields;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    std::string pair = body.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    std::string value;
    for (std::size_t i = eq + 1; i < pair.size(); ++i) {
      if (pair[i] == '%') {
        value += static_cast<char>(from_hex(pair[i + 1]) * 16 + from_hex(pair[i + 2]));
        i += 2;
      } else {
        value += pair[i];
      }
    }
    fields[pair.substr(0, eq)] = value;
    pos = amp + 1;
  }
  return fields;
}

const char* const k_credentials_xml =
    R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>)"
    R"(<Credentials><SessionToken>TOKEN</SessionToken><SecretAccessKey>SECRET</SecretAccessKey>)"
    R"(<Expiration>2026-11-24T12:00:00Z</Expiration><AccessKeyId>ASIATESTEXAMPLE00001</AccessKeyId></Credentials>)"
    R"(</GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>)"
    R"(</GetSessionTokenResponse>)";

const char* const k_assume_role_xml =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>)"
    R"(<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/admin/s</Arn><AssumedRoleId>A:s</AssumedRoleId>)"
    R"(</AssumedRoleUser><Credentials><AccessKeyId>ASIATESTEXAMPLE00002</AccessKeyId>)"
    R"(<SecretAccessKey>S2</SecretAccessKey>)"
    R"(<SessionToken>T2</SessionToken><Expiration>2026-11-24T11:00:00.000Z</Expiration></Credentials>)"
    R"(</AssumeRoleResult></AssumeRoleResponse>)";

std::string error_xml(const std::string& code, const std::string& message) {
  return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>)" + code +
         "</Code><Message>" + message + "</Message></Error><RequestId>r</RequestId></ErrorResponse>";
}

class StsClientTest : public testing::Test {
 protected:
  StsClientTest()
      : m_clock(sys_days{year{2026} / 11 / 24} + hours{10}),
        m_sleeper(m_clock),
        m_client(m_http, m_crypto, m_clock, m_sleeper,
                 Endpoint{"https://sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "/"}, "us-east-1") {
    m_caller.access_key_id = "AKIDEXAMPLE";
    m_caller.secret_access_key = util::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  }

  Result<Credentials> get_session_token() { return m_client.get_session_token(m_caller, {}); }

  FakeCrypto m_crypto;
  FakeHttpClient m_http;
  util::FixedClock m_clock;
  FakeSleeper m_sleeper;
  StsClient m_client;
  Credentials m_caller;
};

TEST_F(StsClientTest, GetSessionTokenSendsASignedFormPost) {
  m_http.respond(200, k_credentials_xml);
  GetSessionTokenParams params;
  params.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
  params.token_code = "123456";
  params.duration_seconds = 43200;
  auto creds = m_client.get_session_token(m_caller, params);
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIATESTEXAMPLE00001");
  EXPECT_EQ(creds->secret_access_key.reveal(), "SECRET");
  EXPECT_EQ(creds->session_token.reveal(), "TOKEN");

  ASSERT_EQ(m_http.requests.size(), 1u);
  const HttpRequest& r = m_http.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(r.body,
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200"
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header(r, "X-Amz-Date"), "20261124T100000Z");
  EXPECT_TRUE(header(r, "Authorization")
                  .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/sts/aws4_request"))
      << header(r, "Authorization");
  EXPECT_EQ(header(r, "X-Amz-Security-Token"), "<absent>");
}

TEST_F(StsClientTest, GetSessionTokenWithoutOptionsSendsOnlyActionAndVersion) {
  m_http.respond(200, k_credentials_xml);
  ASSERT_TRUE(get_session_token().has_value());
  EXPECT_EQ(m_http.requests[0].body, "Action=GetSessionToken&Version=2011-06-15");
}

TEST_F(StsClientTest, AssumeRoleSendsEveryParameter) {
  m_caller.session_token = util::Secret("CALLER-SESSION-TOKEN");
  m_http.respond(200, k_assume_role_xml);
  AssumeRoleParams params;
  params.role_arn = "arn:aws:iam::123456789012:role/admin";
  params.role_session_name = "alice@example.com";
  params.external_id = "ext id/1";
  params.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
  params.token_code = "654321";
  params.duration_seconds = 3600;
  auto creds = m_client.assume_role(m_caller, params);
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIATESTEXAMPLE00002");

  ASSERT_EQ(m_http.requests.size(), 1u);
  const HttpRequest& r = m_http.requests[0];
  auto fields = form_fields(r.body);
  EXPECT_EQ(fields["Action"], "AssumeRole");
  EXPECT_EQ(fields["Version"], "2011-06-15");
  EXPECT_EQ(fields["RoleArn"], "arn:aws:iam::123456789012:role/admin");
  EXPECT_EQ(fields["RoleSessionName"], "alice@example.com");
  EXPECT_EQ(fields["ExternalId"], "ext id/1");
  EXPECT_EQ(fields["SerialNumber"], "arn:aws:iam::123456789012:mfa/alice");
  EXPECT_EQ(fields["TokenCode"], "654321");
  EXPECT_EQ(fields["DurationSeconds"], "3600");
  EXPECT_EQ(fields.size(), 8u);
  EXPECT_NE(r.body.find("ExternalId=ext%20id%2F1"), std::string::npos) << r.body;
  EXPECT_EQ(header(r, "X-Amz-Security-Token"), "CALLER-SESSION-TOKEN");
  EXPECT_NE(header(r, "Authorization"), "<absent>");
}

TEST_F(StsClientTest, AssumeRoleOmitsUnsetOptionalParameters) {
  m_http.respond(200, k_assume_role_xml);
  AssumeRoleParams params;
  params.role_arn = "arn:aws:iam::1:role/r";
  params.role_session_name = "s";
  ASSERT_TRUE(m_client.assume_role(m_caller, params).has_value());
  auto fields = form_fields(m_http.requests[0].body);
  EXPECT_EQ(fields.size(), 4u);
  EXPECT_FALSE(fields.contains("ExternalId"));
  EXPECT_FALSE(fields.contains("SerialNumber"));
}

TEST_F(StsClientTest, GetCallerIdentity) {
  m_http.respond(200,
                 "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
                 "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
                 "</GetCallerIdentityResponse>");
  auto id = m_client.get_caller_identity(m_caller);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(id->account, "123456789012");
  EXPECT_EQ(m_http.requests[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
}

TEST_F(StsClientTest, RetriesServerErrorsAndSignsEachAttemptAfresh) {
  m_http.respond(503, "");
  m_http.respond(503, "<html>Service Unavailable</html>");
  m_http.respond(200, k_credentials_xml);
  auto creds = get_session_token();
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  ASSERT_EQ(m_http.requests.size(), 3u);
  EXPECT_EQ(m_sleeper.sleeps.size(), 2u);
  EXPECT_EQ(header(m_http.requests[0], "X-Amz-Date"), "20261124T100000Z");
  EXPECT_EQ(header(m_http.requests[2], "X-Amz-Date"), "20261124T100002Z");
  EXPECT_NE(header(m_http.requests[0], "Authorization"), header(m_http.requests[2], "Authorization"));
  for (const auto& r : m_http.requests) {
    int authorizations = 0;
    for (const auto& h : r.headers) authorizations += h.first == "Authorization";
    EXPECT_EQ(authorizations, 1);
  }
}

TEST_F(StsClientTest, BackoffIsBoundedByTheExponentialCap) {
  for (int i = 0; i < 50; ++i) {
    m_http.respond(500, "");
    m_http.respond(500, "");
    m_http.respond(200, k_credentials_xml);
    ASSERT_TRUE(get_session_token().has_value());
  }
  ASSERT_EQ(m_sleeper.sleeps.size(), 100u);
  for (std::size_t i = 0; i < m_sleeper.sleeps.size(); i += 2) {
    EXPECT_LE(m_sleeper.sleeps[i], milliseconds{100});
    EXPECT_LE(m_sleeper.sleeps[i + 1], milliseconds{200});
    EXPECT_GE(m_sleeper.sleeps[i], milliseconds{0});
  }
}

TEST_F(StsClientTest, AccessDeniedIsNotRetried) {
  m_http.respond(403, error_xml("AccessDenied", "User: arn:aws:iam::123456789012:user/alice is not authorized"));
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_EQ(creds.error().message, "AccessDenied: User: arn:aws:iam::123456789012:user/alice is not authorized");
  EXPECT_EQ(m_http.requests.size(), 1u);
  EXPECT_TRUE(m_sleeper.sleeps.empty());
}

TEST_F(StsClientTest, BadMfaCodeAndValidationErrorsAreNotRetried) {
  m_http.respond(403,
                 error_xml("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."));
  m_http.respond(400, error_xml("ValidationError", "1 validation error detected"));
  EXPECT_FALSE(get_session_token().has_value());
  auto second = get_session_token();
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().message, "ValidationError: 1 validation error detected");
  EXPECT_EQ(m_http.requests.size(), 2u);
  EXPECT_TRUE(m_sleeper.sleeps.empty());
}

TEST_F(StsClientTest, ThrottlingIsRetried) {
  m_http.respond(400, error_xml("Throttling", "Rate exceeded"));
  m_http.respond(400, error_xml("RequestLimitExceeded", "Slow down"));
  m_http.respond(200, k_credentials_xml);
  EXPECT_TRUE(get_session_token().has_value());
  EXPECT_EQ(m_http.requests.size(), 3u);
  EXPECT_EQ(m_sleeper.sleeps.size(), 2u);
}

TEST_F(StsClientTest, TooManyRequestsStatusIsRetried) {
  m_http.respond(429, "");
  m_http.respond(200, k_credentials_xml);
  EXPECT_TRUE(get_session_token().has_value());
  EXPECT_EQ(m_http.requests.size(), 2u);
}

TEST_F(StsClientTest, PersistentThrottlingStopsAfterThreeAttempts) {
  for (int i = 0; i < 5; ++i) m_http.respond(400, error_xml("ThrottlingException", "Rate exceeded"));
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_EQ(creds.error().message, "ThrottlingException: Rate exceeded");
  EXPECT_EQ(m_http.requests.size(), 3u);
  EXPECT_EQ(m_sleeper.sleeps.size(), 2u);
}

TEST_F(StsClientTest, NetworkErrorsAreRetriedThenReported) {
  for (int i = 0; i < 5; ++i) {
    m_http.fail_with(ErrorKind::network, "cannot reach STS at sts.us-east-1.amazonaws.com: timeout");
  }
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::network);
  EXPECT_EQ(creds.error().message, "cannot reach STS at sts.us-east-1.amazonaws.com: timeout (after 3 attempts)");
  EXPECT_EQ(m_http.requests.size(), 3u);
  EXPECT_EQ(m_sleeper.sleeps.size(), 2u);
}

TEST_F(StsClientTest, NetworkErrorThenSuccess) {
  m_http.fail_with(ErrorKind::network, "connection refused");
  m_http.respond(200, k_credentials_xml);
  EXPECT_TRUE(get_session_token().has_value());
  EXPECT_EQ(m_http.requests.size(), 2u);
}

TEST_F(StsClientTest, NonNetworkTransportErrorsAreNotRetried) {
  m_http.fail_with(ErrorKind::config, "cannot load libcurl");
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::config);
  EXPECT_EQ(creds.error().message, "cannot load libcurl");
  EXPECT_EQ(m_http.requests.size(), 1u);
}

TEST_F(StsClientTest, ServerErrorWithoutBodyAfterRetries) {
  for (int i = 0; i < 3; ++i) m_http.respond(500, "<html>oops</html>");
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_EQ(creds.error().message, "HTTP 500 from sts.us-east-1.amazonaws.com (after 3 attempts)");
}

TEST_F(StsClientTest, ClientErrorWithoutParseableBody) {
  m_http.respond(403, "Forbidden");
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_EQ(creds.error().message, "HTTP 403 from sts.us-east-1.amazonaws.com");
  EXPECT_EQ(m_http.requests.size(), 1u);
}

TEST_F(StsClientTest, SuccessStatusWithGarbageBody) {
  m_http.respond(200, "<html>captive portal</html>");
  auto creds = get_session_token();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_TRUE(creds.error().message.starts_with("unexpected response from STS: ")) << creds.error().message;
}

TEST_F(StsClientTest, SingleAttemptPolicyNeverSleeps) {
  StsClient client(m_http, m_crypto, m_clock, m_sleeper,
                   Endpoint{"https://sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "/"}, "us-east-1",
                   RetryPolicy{1, milliseconds{100}, milliseconds{2000}});
  m_http.respond(503, "");
  auto creds = client.get_session_token(m_caller, {});
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message, "HTTP 503 from sts.us-east-1.amazonaws.com");
  EXPECT_EQ(m_http.requests.size(), 1u);
  EXPECT_TRUE(m_sleeper.sleeps.empty());
}

TEST(FormEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(form_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(form_encode("a b+c/d:e=f&g"), "a%20b%2Bc%2Fd%3Ae%3Df%26g");
  EXPECT_EQ(form_encode("@*%"), "%40%2A%25");
  EXPECT_EQ(form_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(form_encode(""), "");
}

}  // namespace
}  // namespace stsh::aws

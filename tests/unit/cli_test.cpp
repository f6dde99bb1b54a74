// The seed workflow's commands run against fakes: no disk, no network,
// no terminal.

#include <gtest/gtest.h>

#include "fake_terminal.h"

#include <deque>
#include <sstream>

#include "cli/command_table.h"
#include "creds/session_cache.h"
#include "util/time_format.h"

namespace stsh::cli {
namespace {

using namespace std::chrono_literals;

class ScriptedHttp final : public aws::HttpClient {
 public:
  std::deque<aws::HttpResponse> responses;
  std::vector<aws::HttpRequest> requests;
  Result<aws::HttpResponse> send(const aws::HttpRequest& request) override {
    requests.push_back(request);
    if (responses.empty()) return fail(ErrorKind::network, "no scripted response");
    auto r = responses.front();
    responses.pop_front();
    return r;
  }
};

class ZeroCrypto final : public aws::Crypto {
 public:
  aws::Digest sha256(std::string_view) const override { return {}; }
  aws::Digest hmac_sha256(std::string_view, std::string_view) const override { return {}; }
};

class NoSleep final : public util::Sleeper {
 public:
  void sleep(std::chrono::milliseconds) override {}
};

class FakeConnector final : public StsConnector {
 public:
  FakeConnector(ScriptedHttp& http, const util::Clock& clock) : m_http(http), m_clock(clock) {}
  int connects = 0;
  Result<std::unique_ptr<aws::StsService>> connect(const std::string& region) override {
    ++connects;
    aws::Endpoint endpoint{"http://127.0.0.1:1", "127.0.0.1:1", "/"};
    return std::make_unique<aws::StsClient>(m_http, m_crypto, m_clock, m_sleep, endpoint, region);
  }

 private:
  ScriptedHttp& m_http;
  ZeroCrypto m_crypto;
  NoSleep m_sleep;
  const util::Clock& m_clock;
};

using fakes::FakeTerminal;

const char* k_session_xml = R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetSessionTokenResult><Credentials><SessionToken>TOKEN</SessionToken><SecretAccessKey>SECRET</SecretAccessKey>
<Expiration>2026-11-24T22:00:00.000Z</Expiration><AccessKeyId>ASIASESSION</AccessKeyId></Credentials>
</GetSessionTokenResult></GetSessionTokenResponse>)";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_env.set("HOME", "/h");
    m_env.set("USER", "jbrowne");
    m_fs.add_file("/h/aws-creds/work.access_key", "AKIAWORK\n");
    m_fs.add_file("/h/aws-creds/work.secret_key", "worksecret\n");
    m_fs.add_file("/h/aws-creds/personal.access_key", "AKIAPERSONAL\n");
    m_fs.add_file("/h/aws-creds/personal.secret_key", "personalsecret\n");
    m_fs.add_file("/h/aws-creds/accounts.json",
                  R"({"personal": "arn:aws:iam::987654321012:", "work": "arn:aws:iam::012123456789:"})");
  }

  int run(std::vector<std::string> args, std::string argv0 = "stsh") {
    m_out.str("");
    m_err.str("");
    Context ctx{m_env, m_fs, m_clock, m_terminal, m_connector, [] { return std::string("/usr/bin/stsh"); },
                m_out, m_err};
    return run_cli(ctx, argv0, args);
  }

  util::MapEnvironment m_env;
  util::MemoryFileSystem m_fs;
  util::FixedClock m_clock{*util::parse_iso8601("2026-11-24T10:00:00Z")};
  FakeTerminal m_terminal;
  ScriptedHttp m_http;
  FakeConnector m_connector{m_http, m_clock};
  std::ostringstream m_out;
  std::ostringstream m_err;
};

TEST_F(CliTest, SwitchWithoutNameListsAccounts) {
  EXPECT_EQ(run({"switch"}), 0);
  EXPECT_EQ(m_err.str(), "Possible accounts: personal work\n");
  EXPECT_EQ(m_out.str(), "");
}

TEST_F(CliTest, SwitchToKeysWhenNoCache) {
  EXPECT_EQ(run({"switch", "Work"}), 0);
  EXPECT_EQ(m_err.str(), "Cache not present for account work\nSet keys for work AWS account\n");
  EXPECT_NE(m_out.str().find("export AWS_ACCESS_KEY_ID='AKIAWORK';"), std::string::npos);
  EXPECT_NE(m_out.str().find("unset AWS_SESSION_TOKEN;"), std::string::npos);
  EXPECT_NE(m_out.str().find("export MY_AWS_SET_FOR='work';"), std::string::npos);
  EXPECT_EQ(m_connector.connects, 0);
}

TEST_F(CliTest, SwitchUnknownAccountFailsWithOneLine) {
  EXPECT_EQ(run({"switch", "nope"}), 3);
  EXPECT_EQ(m_out.str(), "");
  std::string err = m_err.str();
  EXPECT_TRUE(err.starts_with("stsh: error: unknown account 'nope'"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
}

TEST_F(CliTest, MfaPromptsCachesAndSwitches) {
  m_terminal.answer = "123456";
  m_http.responses.push_back({200, k_session_xml});
  EXPECT_EQ(run({"mfa", "work", "--shell=fish"}), 0) << m_err.str();
  ASSERT_EQ(m_terminal.prompts, std::vector<std::string>{"Enter token for user jbrowne: "});
  EXPECT_EQ(m_err.str(), "Cache is valid for account work\nSet keys for work-MFA-STS AWS account\n");
  EXPECT_NE(m_out.str().find("set -gx AWS_SESSION_TOKEN 'TOKEN';"), std::string::npos);
  EXPECT_NE(m_out.str().find("set -gx STSH_EXPIRATION '2026-11-24T22:00:00Z';"), std::string::npos);
  ASSERT_EQ(m_http.requests.size(), 1u);
  const std::string& body = m_http.requests[0].body;
  EXPECT_NE(body.find("Action=GetSessionToken"), std::string::npos);
  EXPECT_NE(body.find("SerialNumber=arn%3Aaws%3Aiam%3A%3A012123456789%3Amfa%2Fjbrowne"), std::string::npos);
  EXPECT_NE(body.find("TokenCode=123456"), std::string::npos);
  EXPECT_NE(body.find("DurationSeconds=43200"), std::string::npos);
  EXPECT_TRUE(m_fs.files().contains("/h/aws-creds/.cache.work.json"));

  // Now cached: switch uses the session without any network.
  EXPECT_EQ(run({"switch", "work"}), 0);
  EXPECT_EQ(m_err.str(), "Cache is valid for account work\nSet keys for work-MFA-STS AWS account\n");
  EXPECT_EQ(m_http.requests.size(), 1u);

  // And ec2mfa again says so instead of asking.
  m_env.set("MY_AWS_SET_FOR", "work-MFA-STS");
  EXPECT_EQ(run({"mfa"}), 0);
  EXPECT_TRUE(m_err.str().starts_with("MFA STS token already cached\n"));
  EXPECT_EQ(m_terminal.prompts.size(), 1u);
}

TEST_F(CliTest, MfaCodeAsArgumentAndDurationFromEnv) {
  m_env.set("STSH_ACCOUNT", "personal");
  m_env.set("STSH_MFA_DURATION", "3600");
  m_http.responses.push_back({200, k_session_xml});
  EXPECT_EQ(run({"mfa", "654321"}), 0) << m_err.str();
  EXPECT_TRUE(m_terminal.prompts.empty());
  EXPECT_NE(m_http.requests[0].body.find("DurationSeconds=3600"), std::string::npos);
  EXPECT_NE(m_http.requests[0].body.find("987654321012"), std::string::npos);
}

TEST_F(CliTest, MfaRejectsFiveDigitCodeBeforeAnyCall) {
  EXPECT_EQ(run({"mfa", "work", "12345"}), 2);
  EXPECT_EQ(m_connector.connects, 0);
  EXPECT_TRUE(m_err.str().starts_with("stsh: error: the MFA code must be exactly 6 digits"));
}

TEST_F(CliTest, MfaWithoutAccountSaysNoKeysSet) {
  EXPECT_NE(run({"mfa"}), 0);
  EXPECT_EQ(m_err.str(), "No keys set\n");
}

TEST_F(CliTest, MfaAccessDeniedReportsAndKeepsCache) {
  m_http.responses.push_back({403, R"(<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
<Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message></Error></ErrorResponse>)"});
  EXPECT_EQ(run({"mfa", "work", "123456"}), 4);
  EXPECT_EQ(m_err.str(),
            "stsh: error: AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code.\n"
            "Failed to set MFA token\n");
  EXPECT_EQ(m_out.str(), "");
  EXPECT_FALSE(m_fs.files().contains("/h/aws-creds/.cache.work.json"));
  EXPECT_EQ(m_http.requests.size(), 1u);  // never retried
}

TEST_F(CliTest, MfaWithoutTerminalExplainsWhatToDo) {
  EXPECT_EQ(run({"mfa", "work"}), 7);
  EXPECT_NE(m_err.str().find("ec2mfa 123456"), std::string::npos);
  EXPECT_EQ(m_connector.connects, 0);
}

TEST_F(CliTest, MfaRefusesReadOnlyCredsDirBeforeAskingForCode) {
  m_fs.set_read_only("/h/aws-creds");
  m_terminal.answer = "123456";
  EXPECT_EQ(run({"mfa", "work"}), 6);
  EXPECT_TRUE(m_terminal.prompts.empty());
  EXPECT_EQ(m_connector.connects, 0);
}

TEST_F(CliTest, NowReportsAccountSessionAndRegion) {
  EXPECT_EQ(run({"now"}), 0);
  EXPECT_EQ(m_err.str(), "No keys set\n");
  m_env.set("MY_AWS_SET_FOR", "work-MFA-STS");
  m_env.set("STSH_EXPIRATION", "2026-11-24T21:59:00Z");
  m_env.set("AWS_DEFAULT_REGION", "eu-west-1");
  EXPECT_EQ(run({"now"}), 0);
  EXPECT_EQ(m_err.str(),
            "Keys set for work-MFA-STS AWS account\nSession expires in 11h 59m (2026-11-24T21:59:00Z)\n"
            "Region is eu-west-1\n");
  m_env.set("STSH_EXPIRATION", "2026-11-24T09:00:00Z");
  EXPECT_EQ(run({"now"}), 0);
  EXPECT_NE(m_err.str().find("Session expired at 2026-11-24T09:00:00Z"), std::string::npos);
}

TEST_F(CliTest, RoleScriptPrintsSeedJson) {
  m_env.set("AWS_ACCESS_KEY_ID", "ASIAENV");
  m_env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  m_env.set("AWS_SESSION_TOKEN", "envtoken");
  m_http.responses.push_back({200, R"(<AssumeRoleResponse><AssumeRoleResult><Credentials>
<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rs</SecretAccessKey><SessionToken>rt</SessionToken>
<Expiration>2026-11-24T11:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>)"});
  EXPECT_EQ(run({"--account", "work", "--role", "deploy", "--duration", "1800"}, "/usr/bin/generate-sts-role-token"), 0)
      << m_err.str();
  EXPECT_EQ(m_out.str(),
            "{\n    \"access_key\": \"ASIAROLE\",\n    \"expiration\": \"2026-11-24T11:00:00Z\",\n"
            "    \"secret_key\": \"rs\",\n    \"session_token\": \"rt\"\n}\n");
  const auto& request = m_http.requests.at(0);
  EXPECT_NE(request.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A012123456789%3Arole%2Fdeploy"), std::string::npos);
  EXPECT_NE(request.body.find("RoleSessionName=stsh-jbrowne"), std::string::npos);
  EXPECT_NE(request.body.find("DurationSeconds=1800"), std::string::npos);
  bool has_token = false;
  for (const auto& [name, value] : request.headers) has_token |= name == "X-Amz-Security-Token" && value == "envtoken";
  EXPECT_TRUE(has_token);
}

TEST_F(CliTest, RoleRejectsDurationOverTwelveHours) {
  EXPECT_EQ(run({"role", "--account", "work", "--role", "r", "--duration", "43201"}), 2);
  EXPECT_EQ(m_connector.connects, 0);
}

TEST_F(CliTest, ExportDefaultsToAwsProfile) {
  m_fs.add_file("/h/.aws/credentials", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n");
  m_env.set("AWS_PROFILE", "dev");
  EXPECT_EQ(run({"export", "--format", "credential-process"}), 0) << m_err.str();
  EXPECT_EQ(m_out.str(), "{\"Version\":1,\"AccessKeyId\":\"AKIADEV\",\"SecretAccessKey\":\"devsecret\"}\n");
  EXPECT_EQ(m_connector.connects, 0);
  EXPECT_EQ(run({"export", "a", "b"}), 2);
}

TEST_F(CliTest, InitEmbedsBinaryPathQuoted) {
  EXPECT_EQ(run({"init", "bash"}), 0);
  EXPECT_NE(m_out.str().find("ec2switch() { __stsh_eval switch \"$@\"; }"), std::string::npos);
  EXPECT_NE(m_out.str().find("'/usr/bin/stsh' now"), std::string::npos);
  EXPECT_EQ(run({"init", "fish"}), 0);
  EXPECT_NE(m_out.str().find("function ec2mfa"), std::string::npos);
  EXPECT_EQ(run({"init", "tcsh"}), 2);
}

}  // namespace
}  // namespace stsh::cli

#include "creds/credential_process.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::creds {
namespace {

TEST(CredentialProcess, PrintsAwsCliShape) {
  aws::Credentials c;
  c.access_key_id = "ASIA";
  c.secret_access_key = util::Secret("s\"e");
  c.session_token = util::Secret("t");
  c.expiration = util::parse_iso8601("2026-11-24T12:00:00Z");
  EXPECT_EQ(credential_process_json(c),
            "{\"Version\":1,\"AccessKeyId\":\"ASIA\",\"SecretAccessKey\":\"s\\\"e\",\"SessionToken\":\"t\","
            "\"Expiration\":\"2026-11-24T12:00:00Z\"}\n");
}

TEST(CredentialProcess, LongLivedKeysOmitTokenAndExpiration) {
  aws::Credentials c;
  c.access_key_id = "AKIA";
  c.secret_access_key = util::Secret("s");
  EXPECT_EQ(credential_process_json(c), "{\"Version\":1,\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"s\"}\n");
}

TEST(CredentialProcess, ParsesAndRoundTrips) {
  auto c = parse_credential_process_json(
      R"({"Version": 1, "AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t",
          "Expiration": "2026-11-24T12:00:00.000Z"})",
      "p");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->session_token.reveal(), "t");
  EXPECT_EQ(c->expiration, util::parse_iso8601("2026-11-24T12:00:00Z"));
}

TEST(CredentialProcess, RejectsBadOutputNamingTheProfile) {
  for (const char* text :
       {"", "[]", R"({"AccessKeyId":"a","SecretAccessKey":"b"})",
        R"({"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"})", R"({"Version":1,"AccessKeyId":"a"})",
        R"({"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"later"})"}) {
    auto c = parse_credential_process_json(text, "myprofile");
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().kind, ErrorKind::config);
    EXPECT_NE(c.error().message.find("myprofile"), std::string::npos);
  }
}

TEST(CredentialProcess, RunsTheCommand) {
  auto c = run_credential_process(R"(printf '{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"x y"}')", "p");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->secret_access_key.reveal(), "x y");
  auto failing = run_credential_process("exit 3", "p");
  ASSERT_FALSE(failing);
  EXPECT_NE(failing.error().message.find("credential_process of profile p failed"), std::string::npos);
}

}  // namespace
}  // namespace stsh::creds

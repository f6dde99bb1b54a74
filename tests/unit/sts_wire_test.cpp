#include "aws/sts_wire.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::aws {
namespace {

Credentials caller() {
  Credentials c;
  c.access_key_id = "AKIAEXAMPLE";
  c.secret_access_key = util::Secret("se\"cr\\et'");
  return c;
}

class RecordingService final : public StsService {
 public:
  std::optional<GetSessionTokenParams> gst;
  std::optional<AssumeRoleParams> role;
  std::string seen_secret;
  std::optional<Error> error;

  Result<Credentials> get_session_token(const Credentials& c, const GetSessionTokenParams& p) override {
    seen_secret = std::string(c.secret_access_key.reveal());
    gst = p;
    return answer();
  }
  Result<Credentials> assume_role(const Credentials& c, const AssumeRoleParams& p) override {
    seen_secret = std::string(c.secret_access_key.reveal());
    role = p;
    return answer();
  }
  Result<CallerIdentity> get_caller_identity(const Credentials&) override {
    return CallerIdentity{"123456789012", "arn:aws:iam::123456789012:user/u", "AIDA"};
  }

 private:
  Result<Credentials> answer() {
    if (error) return std::unexpected(*error);
    Credentials c;
    c.access_key_id = "ASIASESSION";
    c.secret_access_key = util::Secret("s");
    c.session_token = util::Secret("t");
    c.expiration = util::parse_iso8601("2026-11-24T12:00:00Z");
    return c;
  }
};

TEST(StsWire, GetSessionTokenRoundTrip) {
  std::string text = encode_request({"eu-west-1", caller(), GetSessionTokenParams{"arn:mfa", "123456", 900}});
  auto request = decode_request(text);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->region, "eu-west-1");
  RecordingService service;
  auto credentials = decode_credentials_response(serve_request(service, *request));
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(service.seen_secret, "se\"cr\\et'");
  EXPECT_EQ(service.gst->mfa_serial, "arn:mfa");
  EXPECT_EQ(service.gst->token_code, "123456");
  EXPECT_EQ(service.gst->duration_seconds, 900);
  EXPECT_EQ(credentials->access_key_id, "ASIASESSION");
  EXPECT_EQ(credentials->session_token.reveal(), "t");
  EXPECT_EQ(credentials->expiration, util::parse_iso8601("2026-11-24T12:00:00Z"));
}

TEST(StsWire, AssumeRoleRoundTripKeepsOptionalsAbsent) {
  AssumeRoleParams params;
  params.role_arn = "arn:aws:iam::1:role/r";
  params.role_session_name = "stsh-u";
  params.external_id = "ext";
  auto request = decode_request(encode_request({"us-east-1", caller(), params}));
  ASSERT_TRUE(request);
  RecordingService service;
  ASSERT_TRUE(decode_credentials_response(serve_request(service, *request)));
  EXPECT_EQ(service.role->role_arn, "arn:aws:iam::1:role/r");
  EXPECT_EQ(service.role->external_id, "ext");
  EXPECT_FALSE(service.role->duration_seconds);
  EXPECT_FALSE(service.role->mfa_serial);
}

TEST(StsWire, ErrorsKeepKindAndMessage) {
  RecordingService service;
  service.error = Error{ErrorKind::aws, "AccessDenied: nope"};
  auto request = decode_request(encode_request({"us-east-1", caller(), GetSessionTokenParams{}}));
  auto credentials = decode_credentials_response(serve_request(service, *request));
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().kind, ErrorKind::aws);
  EXPECT_EQ(credentials.error().message, "AccessDenied: nope");
}

TEST(StsWire, CallerIdentity) {
  RecordingService service;
  auto request = decode_request(encode_request({"us-east-1", caller(), std::monostate{}}));
  auto identity = decode_identity_response(serve_request(service, *request));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->account, "123456789012");
}

TEST(StsWire, MalformedMessagesAreInternalErrors) {
  EXPECT_FALSE(decode_request("not json"));
  EXPECT_FALSE(decode_request(R"({"region":"x"})"));
  EXPECT_FALSE(decode_request(R"({"region":"x","caller":{"AccessKeyId":"a","SecretAccessKey":"b"},"call":"Nope"})"));
  auto response = decode_credentials_response("");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::internal);
  auto bogus_kind = decode_credentials_response(R"({"ok":false,"kind":99,"message":"m"})");
  EXPECT_EQ(bogus_kind.error().kind, ErrorKind::internal);
}

}  // namespace
}  // namespace stsh::aws

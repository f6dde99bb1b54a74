#include "aws/sts_xml.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::aws {
namespace {

std::string session_token_response(const std::string& expiration) {
  return R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken>FwoGZXIvYXdzEXAMPLETOKEN</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <Expiration>)" +
         expiration + R"(</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata><RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId></ResponseMetadata>
</GetSessionTokenResponse>)";
}

std::string assume_role_response(const std::string& expiration) {
  return R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>
      <SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>
      <SessionToken>AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE</SessionToken>
      <Expiration>)" +
         expiration + R"(</Expiration>
    </Credentials>
    <PackedPolicySize>8</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
}

TEST(ParseCredentialsResponse, GetSessionToken) {
  auto creds = parse_credentials_response(session_token_response("2026-11-24T12:00:00Z"));
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(creds->secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(creds->session_token.reveal(), "FwoGZXIvYXdzEXAMPLETOKEN");
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_EQ(util::format_iso8601(*creds->expiration), "2026-11-24T12:00:00Z");
  EXPECT_TRUE(creds->is_session());
}

TEST(ParseCredentialsResponse, AssumeRole) {
  auto creds = parse_credentials_response(assume_role_response("2026-11-24T12:00:00Z"));
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIAJEXAMPLEXEG2JICEA");
  EXPECT_EQ(creds->secret_access_key.reveal(), "9drTJvcXLB89EXAMPLELB8923FB892xMFI");
  EXPECT_EQ(creds->session_token.reveal(),
            "AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE");
}

TEST(ParseCredentialsResponse, ExpirationWithFractionalSeconds) {
  for (const char* expiration : {"2026-11-24T12:00:00Z", "2026-11-24T12:00:00.123Z", "2026-11-24T12:00:00.123456Z"}) {
    for (const auto& xml : {session_token_response(expiration), assume_role_response(expiration)}) {
      auto creds = parse_credentials_response(xml);
      ASSERT_TRUE(creds.has_value()) << expiration << ": " << creds.error().message;
      EXPECT_EQ(util::format_iso8601(*creds->expiration), "2026-11-24T12:00:00Z") << expiration;
    }
  }
}

TEST(ParseCredentialsResponse, NamespacePrefixIsIgnored) {
  auto creds = parse_credentials_response(
      R"(<sts:GetSessionTokenResponse xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/">)"
      R"(<sts:GetSessionTokenResult>)"
      R"(<sts:Credentials><sts:SessionToken>T</sts:SessionToken><sts:SecretAccessKey>S</sts:SecretAccessKey>)"
      R"(<sts:Expiration>2026-11-24T12:00:00Z</sts:Expiration><sts:AccessKeyId>ASIAX</sts:AccessKeyId>)"
      R"(</sts:Credentials></sts:GetSessionTokenResult></sts:GetSessionTokenResponse>)");
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIAX");
}

TEST(ParseCredentialsResponse, MissingFieldIsAnAwsError) {
  auto creds = parse_credentials_response(
      "<GetSessionTokenResponse><GetSessionTokenResult><Credentials><SessionToken>T</SessionToken>"
      "<SecretAccessKey>S</SecretAccessKey><Expiration>2026-11-24T12:00:00Z</Expiration></Credentials>"
      "</GetSessionTokenResult></GetSessionTokenResponse>");
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_EQ(creds.error().message, "unexpected response from STS: Credentials has no AccessKeyId");
}

TEST(ParseCredentialsResponse, BadExpirationIsAnAwsError) {
  auto creds = parse_credentials_response(session_token_response("tomorrow"));
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().kind, ErrorKind::aws);
  EXPECT_NE(creds.error().message.find("Expiration"), std::string::npos);
}

TEST(ParseCredentialsResponse, NoCredentialsElement) {
  auto creds =
      parse_credentials_response("<GetSessionTokenResponse><GetSessionTokenResult/></GetSessionTokenResponse>");
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().message, "unexpected response from STS: no Credentials element");
}

TEST(ParseCredentialsResponse, MalformedXml) {
  for (const char* bad : {"", "not xml at all", "<GetSessionTokenResponse><Credentials>", "<a></b>"}) {
    auto creds = parse_credentials_response(bad);
    ASSERT_FALSE(creds.has_value()) << bad;
    EXPECT_EQ(creds.error().kind, ErrorKind::aws);
    EXPECT_TRUE(creds.error().message.starts_with("unexpected response from STS: ")) << creds.error().message;
  }
}

TEST(ParseCallerIdentityResponse, Success) {
  auto id = parse_caller_identity_response(
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDAJQABLZS4A3QDU576Q</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)");
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(id->account, "123456789012");
  EXPECT_EQ(id->arn, "arn:aws:iam::123456789012:user/Alice");
  EXPECT_EQ(id->user_id, "AIDAJQABLZS4A3QDU576Q");
}

TEST(ParseCallerIdentityResponse, MissingAccount) {
  auto id = parse_caller_identity_response(
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn><UserId>u</UserId>"
      "</GetCallerIdentityResult></GetCallerIdentityResponse>");
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().kind, ErrorKind::aws);
  EXPECT_EQ(id.error().message, "unexpected response from STS: GetCallerIdentityResult has no Account");
}

TEST(ParseErrorResponse, ErrorResponseError) {
  auto e = parse_error_response(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>)"
      R"(<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/alice is not authorized</Message>)"
      R"(</Error><RequestId>abc</RequestId></ErrorResponse>)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "AccessDenied");
  EXPECT_EQ(e->message, "User: arn:aws:iam::123456789012:user/alice is not authorized");
}

TEST(ParseErrorResponse, ErrorResponseErrorsError) {
  auto e = parse_error_response(
      "<ErrorResponse><Errors><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></Errors>"
      "</ErrorResponse>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "Throttling");
  EXPECT_EQ(e->message, "Rate exceeded");
}

TEST(ParseErrorResponse, ResponseErrorsError) {
  auto e = parse_error_response(
      "<Response><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the "
      "request is invalid.</Message></Error></Errors><RequestID>x</RequestID></Response>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "InvalidClientTokenId");
  EXPECT_EQ(e->message, "The security token included in the request is invalid.");
}

TEST(ParseErrorResponse, BareError) {
  auto e = parse_error_response("<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "SignatureDoesNotMatch");
}

TEST(ParseErrorResponse, CodeWithoutMessage) {
  auto e = parse_error_response("<ErrorResponse><Error><Code>ExpiredToken</Code></Error></ErrorResponse>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "ExpiredToken");
  EXPECT_EQ(e->message, "");
}

TEST(ParseErrorResponse, NothingUsable) {
  EXPECT_FALSE(parse_error_response("").has_value());
  EXPECT_FALSE(parse_error_response("<html><body>502 Bad Gateway</body></html>").has_value());
  EXPECT_FALSE(parse_error_response("<ErrorResponse><Error></Error></ErrorResponse>").has_value());
  EXPECT_FALSE(parse_error_response("<ErrorResponse><Error><Code>X</Code>").has_value());
}

}  // namespace
}  // namespace stsh::aws

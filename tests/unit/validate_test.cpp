#include "creds/validate.h"

#include <gtest/gtest.h>

namespace stsh::creds {
namespace {

TEST(Validate, MfaCodeSixDigits) {
  EXPECT_TRUE(validate_mfa_code("123456"));
  EXPECT_FALSE(validate_mfa_code("12345"));
  EXPECT_FALSE(validate_mfa_code("1234567"));
  EXPECT_FALSE(validate_mfa_code("12345a"));
  EXPECT_FALSE(validate_mfa_code(""));
  EXPECT_EQ(validate_mfa_code("12345").error().kind, ErrorKind::usage);
}

TEST(Validate, DurationRange) {
  EXPECT_EQ(parse_duration("900", 900, 129600, "--duration"), 900);
  EXPECT_EQ(parse_duration("129600", 900, 129600, "--duration"), 129600);
  EXPECT_FALSE(parse_duration("899", 900, 129600, "--duration"));
  EXPECT_FALSE(parse_duration("129601", 900, 129600, "--duration"));
  EXPECT_FALSE(parse_duration("60m", 900, 129600, "--duration"));
  EXPECT_FALSE(parse_duration("", 900, 129600, "--duration"));
  EXPECT_FALSE(parse_duration("43201", 900, 43200, "--duration"));
}

TEST(Validate, SessionName) {
  EXPECT_TRUE(validate_session_name("ab"));
  EXPECT_TRUE(validate_session_name("stsh-j.browne@example.com+x=y,z_1"));
  EXPECT_FALSE(validate_session_name("a"));
  EXPECT_FALSE(validate_session_name(std::string(65, 'a')));
  EXPECT_TRUE(validate_session_name(std::string(64, 'a')));
  EXPECT_FALSE(validate_session_name("has space"));
  EXPECT_FALSE(validate_session_name("slash/no"));
}

TEST(Validate, DefaultSessionNameFromUser) {
  EXPECT_EQ(default_session_name("jbrowne"), "stsh-jbrowne");
  EXPECT_EQ(default_session_name("j browne/x"), "stsh-j_browne_x");
  EXPECT_EQ(default_session_name(""), "stsh-session");
  EXPECT_EQ(default_session_name(std::string(100, 'u')).size(), 64u);
  EXPECT_TRUE(validate_session_name(default_session_name(std::string(100, 'u'))));
  EXPECT_NE(default_session_name("x"), "foo");
}

}  // namespace
}  // namespace stsh::creds

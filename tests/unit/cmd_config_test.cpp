// `stsh config dump` against an in-memory home: what it prints, and that
// no secret ever reaches the output.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command_table.h"
#include "util/time_format.h"

namespace stsh::cli {

namespace {

class NoTerminal final : public util::Terminal {
 public:
  Result<util::Secret> ask(std::string_view, bool) override {
    return fail(ErrorKind::interaction, "no terminal to ask on");
  }
};

class NoSts final : public StsConnector {
 public:
  Result<std::unique_ptr<aws::StsService>> connect(const std::string&) override {
    return fail(ErrorKind::network, "config dump must not call STS");
  }
};

constexpr std::string_view k_config = R"([profile dev]
region = eu-west-1
s3 =
  addressing_style = path
  aws_secret_access_key = SUBSECRET
role_arn = arn:aws:iam::123456789012:role/dev

[default]
region = us-east-1
aws_session_token = CONFIGTOKEN

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
)";

constexpr std::string_view k_credentials = R"([default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = DEFAULTSECRET
aws_security_token = LEGACYTOKEN
)";

class CmdConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_env.set("HOME", "/h");
    m_fs.add_file("/h/.aws/config", std::string(k_config));
    m_fs.add_file("/h/.aws/credentials", std::string(k_credentials));
  }

  int run(std::vector<std::string> args) {
    m_out.str("");
    m_err.str("");
    Context ctx{m_env, m_fs, m_clock, m_terminal, m_sts, [] { return std::string("/usr/bin/stsh"); }, m_out, m_err};
    return run_config(ctx, args);
  }

  void expect_no_secret() const {
    for (std::string_view secret : {"SUBSECRET", "CONFIGTOKEN", "DEFAULTSECRET", "LEGACYTOKEN"}) {
      EXPECT_EQ(m_out.str().find(secret), std::string::npos) << secret;
      EXPECT_EQ(m_err.str().find(secret), std::string::npos) << secret;
    }
  }

  util::MapEnvironment m_env;
  util::MemoryFileSystem m_fs;
  util::FixedClock m_clock{*util::parse_iso8601("2026-11-24T10:00:00Z")};
  NoTerminal m_terminal;
  NoSts m_sts;
  std::ostringstream m_out;
  std::ostringstream m_err;
};

TEST_F(CmdConfigTest, DumpPrintsMergedSortedAndRedacted) {
  EXPECT_EQ(run({"dump"}), 0) << m_err.str();
  EXPECT_EQ(m_out.str(),
            "[default]\n"
            "aws_access_key_id = AKIADEFAULT\n"
            "aws_secret_access_key = <redacted>\n"
            "aws_security_token = <redacted>\n"
            "aws_session_token = <redacted>\n"
            "region = us-east-1\n"
            "\n"
            "[profile dev]\n"
            "region = eu-west-1\n"
            "role_arn = arn:aws:iam::123456789012:role/dev\n"
            "s3 =\n"
            "  addressing_style = path\n"
            "  aws_secret_access_key = <redacted>\n"
            "\n"
            "[sso-session corp]\n"
            "sso_region = us-east-1\n"
            "sso_start_url = https://corp.awsapps.com/start\n");
  EXPECT_EQ(m_err.str(), "");
  expect_no_secret();
}

TEST_F(CmdConfigTest, DumpTextParsesBackToTheSameProfiles) {
  m_fs.add_file("/h/.aws/credentials", "");
  m_fs.add_file("/h/.aws/config", "[profile a]\nname = value\n -continued\nempty =\n[default]\nx = 1");
  ASSERT_EQ(run({"dump"}), 0);
  const std::string first = m_out.str();
  m_fs.add_file("/h/.aws/config", first);
  ASSERT_EQ(run({"dump"}), 0);
  EXPECT_EQ(m_out.str(), first);
  EXPECT_NE(first.find("empty =\nname = value\n  -continued\n"), std::string::npos) << first;
}

TEST_F(CmdConfigTest, DumpJson) {
  EXPECT_EQ(run({"dump", "--json"}), 0) << m_err.str();
  const auto dumped = nlohmann::json::parse(m_out.str());
  const nlohmann::json expected = {
      {"profiles",
       {{"default",
         {{"aws_access_key_id", "AKIADEFAULT"},
          {"aws_secret_access_key", "<redacted>"},
          {"aws_security_token", "<redacted>"},
          {"aws_session_token", "<redacted>"},
          {"region", "us-east-1"}}},
        {"dev",
         {{"region", "eu-west-1"},
          {"role_arn", "arn:aws:iam::123456789012:role/dev"},
          {"s3", "\naddressing_style = path\naws_secret_access_key = <redacted>"}}}}},
      {"sso_sessions", {{"corp", {{"sso_region", "us-east-1"}, {"sso_start_url", "https://corp.awsapps.com/start"}}}}}};
  EXPECT_EQ(dumped, expected);
  expect_no_secret();
}

TEST_F(CmdConfigTest, EmptySetupSaysWhereItLooked) {
  m_env.set("AWS_CONFIG_FILE", "~/elsewhere/config");
  EXPECT_EQ(run({"dump"}), 0);
  EXPECT_EQ(m_out.str(),
            "[default]\n"
            "aws_access_key_id = AKIADEFAULT\n"
            "aws_secret_access_key = <redacted>\n"
            "aws_security_token = <redacted>\n");
  m_env.set("AWS_SHARED_CREDENTIALS_FILE", "/nowhere/credentials");
  EXPECT_EQ(run({"dump"}), 0);
  EXPECT_EQ(m_out.str(), "");
  EXPECT_EQ(m_err.str(), "No profiles in /h/elsewhere/config or /nowhere/credentials\n");
  EXPECT_EQ(run({"dump", "--json"}), 0);
  EXPECT_EQ(nlohmann::json::parse(m_out.str()),
            (nlohmann::json{{"profiles", nlohmann::json::object()}, {"sso_sessions", nlohmann::json::object()}}));
}

TEST_F(CmdConfigTest, ParseErrorIsOneLineNamingFileAndLine) {
  m_fs.add_file("/h/.aws/credentials", "[default]\naws_secret_access_key DEFAULTSECRET\n");
  EXPECT_EQ(run({"dump"}), 3);
  EXPECT_EQ(m_out.str(), "");
  EXPECT_EQ(m_err.str(), "stsh: error: /h/.aws/credentials:2: Expected an '=' sign defining a property\n");
  expect_no_secret();
}

TEST_F(CmdConfigTest, UsageErrors) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(m_err.str(), "stsh: error: stsh config needs a subcommand: dump\n");
  EXPECT_EQ(run({"show"}), 2);
  EXPECT_TRUE(m_err.str().starts_with("stsh: error: unknown subcommand 'show' for 'stsh config'")) << m_err.str();
  EXPECT_EQ(run({"dump", "extra"}), 2);
  EXPECT_EQ(run({"dump", "--yaml"}), 2);
  EXPECT_EQ(m_out.str(), "");
}

TEST_F(CmdConfigTest, Help) {
  EXPECT_EQ(run({"--help"}), 0);
  EXPECT_TRUE(m_out.str().starts_with("usage: stsh config dump [--json]\n")) << m_out.str();
  EXPECT_NE(m_out.str().find("--json"), std::string::npos);
}

}  // namespace
}  // namespace stsh::cli

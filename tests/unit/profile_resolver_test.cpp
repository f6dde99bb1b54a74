#include "creds/profile_resolver.h"

#include <gtest/gtest.h>

#include "fake_terminal.h"

#include "util/time_format.h"

namespace stsh::creds {
namespace {

using namespace std::chrono_literals;

struct StsLog {
  std::vector<aws::GetSessionTokenParams> session_calls;
  std::vector<aws::AssumeRoleParams> role_calls;
  std::vector<std::string> callers;
};

class FakeSts final : public aws::StsService {
 public:
  FakeSts(StsLog& log, const util::Clock& clock) : m_log(log), m_clock(clock) {}
  Result<aws::Credentials> get_session_token(const aws::Credentials& caller,
                                             const aws::GetSessionTokenParams& p) override {
    m_log.callers.push_back(caller.access_key_id);
    m_log.session_calls.push_back(p);
    return make("ASIASESSION" + std::to_string(m_log.session_calls.size()), p.duration_seconds.value_or(3600));
  }
  Result<aws::Credentials> assume_role(const aws::Credentials& caller, const aws::AssumeRoleParams& p) override {
    m_log.callers.push_back(caller.access_key_id);
    m_log.role_calls.push_back(p);
    return make("ASIAROLE" + std::to_string(m_log.role_calls.size()), p.duration_seconds.value_or(3600));
  }
  Result<aws::CallerIdentity> get_caller_identity(const aws::Credentials&) override { return aws::CallerIdentity{}; }

 private:
  aws::Credentials make(std::string id, int seconds) {
    aws::Credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = util::Secret("secret");
    c.session_token = util::Secret("token");
    c.expiration = m_clock.now() + std::chrono::seconds(seconds);
    return c;
  }
  StsLog& m_log;
  const util::Clock& m_clock;
};

using fakes::FakeTerminal;

class ProfileResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_env.set("HOME", "/h");
    m_env.set("USER", "jb");
    m_fs.add_file("/h/.aws/credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n");
    m_fs.add_file(
        "/h/.aws/config",
        "[profile base]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/jb\n"
        "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
        "[profile prod]\nrole_arn = arn:aws:iam::2:role/prod\nsource_profile = base\nexternal_id = ext\n"
        "role_session_name = me\n"
        "[profile deep]\nrole_arn = arn:aws:iam::3:role/deep\nsource_profile = dev\nduration_seconds = 7200\n");
  }

  ProfileResolver resolver() {
    return ProfileResolver({m_fs, m_env, m_clock, m_terminal,
                            [this](const std::string& region) -> Result<std::unique_ptr<aws::StsService>> {
                              m_regions.push_back(region);
                              return std::make_unique<FakeSts>(m_log, m_clock);
                            },
                            [this](std::string_view n) { m_notices.emplace_back(n); }});
  }

  util::MapEnvironment m_env;
  util::MemoryFileSystem m_fs;
  util::FixedClock m_clock{*util::parse_iso8601("2026-11-24T10:00:00Z")};
  FakeTerminal m_terminal;
  StsLog m_log;
  std::vector<std::string> m_regions;
  std::vector<std::string> m_notices;
};

TEST_F(ProfileResolverTest, StaticKeysWithMfaGetASessionOnce) {
  m_terminal.answer = "123456";
  auto first = resolver().resolve("base");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->kind, ProfileKind::keys);
  EXPECT_EQ(first->credentials.access_key_id, "ASIASESSION1");
  EXPECT_EQ(first->region, "eu-west-1");
  ASSERT_EQ(m_log.session_calls.size(), 1u);
  EXPECT_EQ(m_log.session_calls[0].mfa_serial, "arn:aws:iam::1:mfa/jb");
  EXPECT_EQ(m_log.session_calls[0].token_code, "123456");
  EXPECT_EQ(m_terminal.prompts, std::vector<std::string>{"Enter MFA code for arn:aws:iam::1:mfa/jb: "});
  EXPECT_EQ(m_regions, std::vector<std::string>{"eu-west-1"});
}

TEST_F(ProfileResolverTest, MfaAskedOncePerSourceIdentityAcrossRoles) {
  m_terminal.answer = "123456";
  auto dev = resolver().resolve("dev");
  ASSERT_TRUE(dev) << dev.error().message;
  auto prod = resolver().resolve("prod");
  ASSERT_TRUE(prod) << prod.error().message;
  EXPECT_EQ(m_terminal.prompts.size(), 1u);
  EXPECT_EQ(m_log.session_calls.size(), 1u);
  ASSERT_EQ(m_log.role_calls.size(), 2u);
  // Roles are assumed with the MFA session, without MFA parameters of their own.
  EXPECT_EQ(m_log.callers, (std::vector<std::string>{"AKIABASE", "ASIASESSION1", "ASIASESSION1"}));
  EXPECT_FALSE(m_log.role_calls[0].mfa_serial);
  EXPECT_EQ(m_log.role_calls[1].external_id, "ext");
  EXPECT_EQ(m_log.role_calls[1].role_session_name, "me");
  EXPECT_EQ(m_log.role_calls[0].role_session_name, "stsh-jb");

  // Everything cached now: no call, no prompt.
  auto again = resolver().resolve("prod");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->credentials.access_key_id, prod->credentials.access_key_id);
  EXPECT_EQ(m_log.role_calls.size(), 2u);
}

TEST_F(ProfileResolverTest, ChainedRoleIsClampedToOneHourWithANotice) {
  m_terminal.answer = "123456";
  auto deep = resolver().resolve("deep");
  ASSERT_TRUE(deep) << deep.error().message;
  ASSERT_EQ(m_log.role_calls.size(), 2u);
  EXPECT_EQ(m_log.role_calls[1].role_arn, "arn:aws:iam::3:role/deep");
  EXPECT_EQ(m_log.role_calls[1].duration_seconds, 3600);
  ASSERT_EQ(m_notices.size(), 1u);
  EXPECT_NE(m_notices[0].find("duration_seconds 7200 lowered to 3600"), std::string::npos);
  // Cached: no second notice.
  ASSERT_TRUE(resolver().resolve("deep"));
  EXPECT_EQ(m_notices.size(), 1u);
}

TEST_F(ProfileResolverTest, NoTerminalTellsToRunStshMfa) {
  auto dev = resolver().resolve("dev");
  ASSERT_FALSE(dev);
  EXPECT_EQ(dev.error().kind, ErrorKind::interaction);
  EXPECT_NE(dev.error().message.find("run 'stsh mfa dev' in a terminal"), std::string::npos);
  EXPECT_TRUE(m_log.session_calls.empty());
}

TEST_F(ProfileResolverTest, GivenCodeIsValidatedAndUsed) {
  ResolveOptions options;
  options.token_code = "12345";
  auto bad = resolver().resolve("dev", options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  options.token_code = "654321";
  ASSERT_TRUE(resolver().resolve("dev", options));
  EXPECT_EQ(m_log.session_calls.at(0).token_code, "654321");
  EXPECT_TRUE(m_terminal.prompts.empty());
}

TEST_F(ProfileResolverTest, CacheOnlyNeverCallsOrPrompts) {
  ResolveOptions options;
  options.cache_only = true;
  auto partial = resolver().resolve("dev", options);
  ASSERT_TRUE(partial);
  EXPECT_FALSE(partial->complete);
  EXPECT_EQ(partial->credentials.access_key_id, "AKIABASE");  // stopped at the base keys
  EXPECT_TRUE(m_terminal.prompts.empty());
  EXPECT_TRUE(m_log.role_calls.empty());
}

TEST_F(ProfileResolverTest, SeedAccountIsAProfileSharingTheEc2mfaCache) {
  m_fs.add_file("/h/aws-creds/work.access_key", "AKIAWORK\n");
  m_fs.add_file("/h/aws-creds/work.secret_key", "worksecret\n");
  m_fs.add_file("/h/aws-creds/accounts.json", R"({"work": "arn:aws:iam::012123456789:"})");
  m_terminal.answer = "123456";
  auto work = resolver().resolve("work");
  ASSERT_TRUE(work) << work.error().message;
  EXPECT_TRUE(work->seed_account);
  EXPECT_EQ(m_terminal.prompts, std::vector<std::string>{"Enter token for user jb: "});
  EXPECT_EQ(m_log.session_calls.at(0).mfa_serial, "arn:aws:iam::012123456789:mfa/jb");
  EXPECT_TRUE(m_fs.files().contains("/h/aws-creds/.cache.work.json"));
}

TEST_F(ProfileResolverTest, UnknownProfileNamesBothPlaces) {
  auto missing = resolver().resolve("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::config);
  EXPECT_NE(missing.error().message.find("unknown profile 'nope'"), std::string::npos);
}

TEST_F(ProfileResolverTest, ListShowsProfilesThenSeedAccounts) {
  m_fs.add_file("/h/aws-creds/work.access_key", "AKIAWORK\n");
  auto list = resolver().list();
  ASSERT_TRUE(list);
  std::vector<std::string> names;
  for (const auto& p : *list) names.push_back(p.name + ":" + std::string(profile_kind_name(p.kind)));
  EXPECT_EQ(names, (std::vector<std::string>{"base:keys", "deep:role", "dev:role", "prod:role", "work:keys"}));
}

}  // namespace
}  // namespace stsh::creds

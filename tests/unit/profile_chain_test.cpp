#include "creds/profile_chain.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

namespace stsh::creds {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_spec_file = fs::path(STSH_SHARED_DIR) / "aws-sdk-spec-tests" / "assume-role-tests.json";
constexpr int k_spec_case_count = 28;

const json& spec_cases() {
  static const json cases = [] {
    std::ifstream in(k_spec_file);
    return in ? json::parse(in) : json::array();
  }();
  return cases;
}

aws::SharedConfig config_from_json(const json& input) {
  aws::SharedConfig config;
  const json profiles = input.value("profiles", json::object());
  for (const auto& [name, properties] : profiles.items()) config.profiles[name] = properties.get<aws::PropertyMap>();
  const json sessions = input.value("sso_sessions", json::object());
  for (const auto& [name, properties] : sessions.items())
    config.sso_sessions[name] = properties.get<aws::PropertyMap>();
  return config;
}

void put_if(json& object, const char* key, const std::optional<std::string>& value) {
  if (value) object[key] = *value;
}

// The spec's shape, with only the fields the SDK checks (no stsh extras).
json base_to_json(const BaseSource& base) {
  struct Visitor {
    json operator()(const StaticKeysSource& keys) const {
      json out = {{"access_key_id", keys.access_key_id},
                  {"secret_access_key", std::string(keys.secret_access_key.reveal())}};
      if (!keys.session_token.empty()) out["session_token"] = std::string(keys.session_token.reveal());
      put_if(out, "account_id", keys.account_id);
      return {{"AccessKey", out}};
    }
    json operator()(const NamedSource& named) const { return {{"NamedSource", named.name}}; }
    json operator()(const ProcessSource& process) const {
      json out = {{"command", process.command}};
      put_if(out, "account_id", process.account_id);
      return {{"CredentialProcess", out}};
    }
    json operator()(const WebIdentitySource& web) const {
      json out = {{"role_arn", web.role_arn}, {"web_identity_token_file", web.token_file}};
      put_if(out, "role_session_name", web.role_session_name);
      return {{"WebIdentityToken", out}};
    }
    json operator()(const SsoSource& sso) const {
      json out = json::object();
      put_if(out, "sso_session", sso.sso_session);
      put_if(out, "sso_start_url", sso.sso_start_url);
      put_if(out, "sso_region", sso.sso_region);
      put_if(out, "sso_account_id", sso.sso_account_id);
      put_if(out, "sso_role_name", sso.sso_role_name);
      return {{"Sso", out}};
    }
  };
  return std::visit(Visitor{}, base);
}

json chain_to_json(const ProfileChain& chain) {
  json out = json::array({base_to_json(chain.base)});
  for (const auto& role : chain.roles) {
    json step = {{"role_arn", role.role_arn}};
    put_if(step, "external_id", role.external_id);
    put_if(step, "role_session_name", role.role_session_name);
    out.push_back({{"AssumeRole", step}});
  }
  return out;
}

TEST(ProfileChainSpec, EveryCaseIsPresent) {
  ASSERT_TRUE(fs::exists(k_spec_file)) << k_spec_file;
  EXPECT_EQ(static_cast<int>(spec_cases().size()), k_spec_case_count);
}

class ProfileChainSpecTest : public testing::TestWithParam<int> {};

TEST_P(ProfileChainSpecTest, MatchesSdk) {
  const json& test_case = spec_cases().at(static_cast<std::size_t>(GetParam()));
  SCOPED_TRACE(test_case.at("docs").get<std::string>());
  const json& input = test_case.at("input");
  const json& output = test_case.at("output");

  auto chain = resolve_profile_chain(config_from_json(input), input.at("selected_profile").get<std::string>());

  if (output.contains("Error")) {
    ASSERT_FALSE(chain) << "expected an error, got " << chain_to_json(*chain).dump();
    EXPECT_EQ(chain.error().kind, ErrorKind::config);
    EXPECT_NE(chain.error().message.find(output.at("Error").get<std::string>()), std::string::npos)
        << "message: " << chain.error().message;
  } else {
    ASSERT_TRUE(chain) << chain.error().message;
    EXPECT_EQ(chain_to_json(*chain), output.at("ProfileChain")) << chain_to_json(*chain).dump(2);
  }
}

std::string case_name(const testing::TestParamInfo<int>& info) {
  std::string name = "case" + std::to_string(info.param) + "_";
  for (char c : spec_cases().at(static_cast<std::size_t>(info.param)).at("docs").get<std::string>()) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AssumeRoleTests, ProfileChainSpecTest,
                         testing::Range(0, static_cast<int>(spec_cases().size())), case_name);

// Hand-written cases for what the spec does not check.

aws::SharedConfig make_config(std::map<std::string, aws::PropertyMap> profiles) {
  aws::SharedConfig config;
  config.profiles = std::move(profiles);
  return config;
}

const aws::PropertyMap k_keys = {{"aws_access_key_id", "AKIDBASE"}, {"aws_secret_access_key", "secret"}};

TEST(ProfileChainTest, LoopMessageNamesTheCycle) {
  auto config = make_config({{"A", {{"role_arn", "arn:a"}, {"source_profile", "B"}}},
                             {"B", {{"role_arn", "arn:b"}, {"source_profile", "A"}}}});
  auto chain = resolve_profile_chain(config, "A");
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().kind, ErrorKind::config);
  EXPECT_EQ(chain.error().message, "profile formed an infinite loop: A -> B -> A");
}

TEST(ProfileChainTest, LoopAwayFromTheRootShowsThePathToIt) {
  auto config = make_config({{"root", {{"role_arn", "arn:r"}, {"source_profile", "A"}}},
                             {"A", {{"role_arn", "arn:a"}, {"source_profile", "B"}}},
                             {"B", {{"role_arn", "arn:b"}, {"source_profile", "C"}}},
                             {"C", {{"role_arn", "arn:c"}, {"source_profile", "A"}}}});
  auto chain = resolve_profile_chain(config, "root");
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().message, "profile formed an infinite loop: root -> A -> B -> C -> A");
}

TEST(ProfileChainTest, ChainOfDepthFiveIsBaseFirst) {
  auto config = make_config({{"p1", {{"role_arn", "arn:1"}, {"source_profile", "p2"}}},
                             {"p2", {{"role_arn", "arn:2"}, {"source_profile", "p3"}}},
                             {"p3", {{"role_arn", "arn:3"}, {"source_profile", "p4"}}},
                             {"p4", {{"role_arn", "arn:4"}, {"source_profile", "p5"}}},
                             {"p5", k_keys}});
  auto chain = resolve_profile_chain(config, "p1");
  ASSERT_TRUE(chain) << chain.error().message;
  const auto* keys = std::get_if<StaticKeysSource>(&chain->base);
  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->profile, "p5");
  EXPECT_EQ(keys->access_key_id, "AKIDBASE");
  ASSERT_EQ(chain->roles.size(), 4U);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(chain->roles[i].profile, "p" + std::to_string(4 - i));
    EXPECT_EQ(chain->roles[i].role_arn, "arn:" + std::to_string(4 - i));
  }
}

TEST(ProfileChainTest, FiveRolesOnANamedSource) {
  auto config = make_config({{"r1", {{"role_arn", "arn:1"}, {"source_profile", "r2"}}},
                             {"r2", {{"role_arn", "arn:2"}, {"source_profile", "r3"}}},
                             {"r3", {{"role_arn", "arn:3"}, {"source_profile", "r4"}}},
                             {"r4", {{"role_arn", "arn:4"}, {"source_profile", "r5"}}},
                             {"r5", {{"role_arn", "arn:5"}, {"credential_source", "EcsContainer"}}}});
  auto chain = resolve_profile_chain(config, "r1");
  ASSERT_TRUE(chain) << chain.error().message;
  ASSERT_TRUE(std::holds_alternative<NamedSource>(chain->base));
  EXPECT_EQ(std::get<NamedSource>(chain->base).name, "EcsContainer");
  ASSERT_EQ(chain->roles.size(), 5U);
  EXPECT_EQ(chain->roles.front().role_arn, "arn:5");
  EXPECT_EQ(chain->roles.back().role_arn, "arn:1");
}

TEST(ProfileChainTest, CredentialProcessIsABaseSource) {
  auto config = make_config({{"proc", {{"credential_process", "/bin/creds --user x"}, {"aws_account_id", "1234"}}}});
  auto chain = resolve_profile_chain(config, "proc");
  ASSERT_TRUE(chain) << chain.error().message;
  const auto* process = std::get_if<ProcessSource>(&chain->base);
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->profile, "proc");
  EXPECT_EQ(process->command, "/bin/creds --user x");
  EXPECT_EQ(process->account_id, "1234");
  EXPECT_TRUE(chain->roles.empty());
}

TEST(ProfileChainTest, CredentialProcessAsRoleSource) {
  auto config = make_config({{"role", {{"role_arn", "arn:r"}, {"source_profile", "proc"}}},
                             {"proc", {{"credential_process", "/bin/creds"}}}});
  auto chain = resolve_profile_chain(config, "role");
  ASSERT_TRUE(chain) << chain.error().message;
  ASSERT_TRUE(std::holds_alternative<ProcessSource>(chain->base));
  ASSERT_EQ(chain->roles.size(), 1U);
}

// repr.rs base_provider: credential_process is tried before static keys in
// the selected profile; as a source, complete static keys come first.
TEST(ProfileChainTest, CredentialProcessAgainstStaticKeys) {
  aws::PropertyMap both = k_keys;
  both["credential_process"] = "/bin/creds";
  auto config = make_config({{"both", both}, {"role", {{"role_arn", "arn:r"}, {"source_profile", "both"}}}});

  auto selected = resolve_profile_chain(config, "both");
  ASSERT_TRUE(selected) << selected.error().message;
  EXPECT_TRUE(std::holds_alternative<ProcessSource>(selected->base));

  auto as_source = resolve_profile_chain(config, "role");
  ASSERT_TRUE(as_source) << as_source.error().message;
  EXPECT_TRUE(std::holds_alternative<StaticKeysSource>(as_source->base));
}

TEST(ProfileChainTest, SsoAndWebIdentityComeBeforeCredentialProcess) {
  auto config = make_config(
      {{"web",
        {{"role_arn", "arn:w"},
         {"web_identity_token_file", "/tok"},
         {"credential_process", "/bin/creds"},
         {"sso_start_url", "https://x"}}},
       {"sso", {{"sso_start_url", "https://x"}, {"sso_region", "eu-west-1"}, {"credential_process", "/bin/creds"}}}});
  auto web = resolve_profile_chain(config, "web");
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(std::holds_alternative<WebIdentitySource>(web->base));
  auto sso = resolve_profile_chain(config, "sso");
  ASSERT_TRUE(sso) << sso.error().message;
  EXPECT_TRUE(std::holds_alternative<SsoSource>(sso->base));
}

TEST(ProfileChainTest, RoleSettingsComeFromTheRoleProfile) {
  aws::PropertyMap base = k_keys;
  base["mfa_serial"] = "arn:aws:iam::111:mfa/base";
  auto config = make_config({{"admin",
                              {{"role_arn", "arn:aws:iam::222:role/Admin"},
                               {"source_profile", "base"},
                               {"mfa_serial", "arn:aws:iam::111:mfa/me"},
                               {"external_id", "ext-1"},
                               {"role_session_name", "me"},
                               {"duration_seconds", "7200"}}},
                             {"base", base}});
  auto chain = resolve_profile_chain(config, "admin");
  ASSERT_TRUE(chain) << chain.error().message;
  const auto& keys = std::get<StaticKeysSource>(chain->base);
  EXPECT_EQ(keys.mfa_serial, "arn:aws:iam::111:mfa/base");
  EXPECT_TRUE(keys.session_token.empty());
  ASSERT_EQ(chain->roles.size(), 1U);
  const AssumeRoleStep& step = chain->roles[0];
  EXPECT_EQ(step.profile, "admin");
  EXPECT_EQ(step.role_arn, "arn:aws:iam::222:role/Admin");
  EXPECT_EQ(step.mfa_serial, "arn:aws:iam::111:mfa/me");
  EXPECT_EQ(step.external_id, "ext-1");
  EXPECT_EQ(step.role_session_name, "me");
  EXPECT_EQ(step.duration_seconds, 7200);
}

TEST(ProfileChainTest, AbsentRoleSettingsStayAbsent) {
  auto config = make_config({{"r", {{"role_arn", "arn:r"}, {"source_profile", "k"}}}, {"k", k_keys}});
  auto chain = resolve_profile_chain(config, "r");
  ASSERT_TRUE(chain) << chain.error().message;
  const AssumeRoleStep& step = chain->roles.at(0);
  EXPECT_FALSE(step.mfa_serial);
  EXPECT_FALSE(step.external_id);
  EXPECT_FALSE(step.role_session_name);
  EXPECT_FALSE(step.duration_seconds);
  EXPECT_FALSE(std::get<StaticKeysSource>(chain->base).mfa_serial);
}

TEST(ProfileChainTest, StaticKeysKeepTheirSessionToken) {
  aws::PropertyMap keys = k_keys;
  keys["aws_session_token"] = "token";
  auto chain = resolve_profile_chain(make_config({{"k", keys}}), "k");
  ASSERT_TRUE(chain) << chain.error().message;
  EXPECT_EQ(std::get<StaticKeysSource>(chain->base).session_token.reveal(), "token");
}

TEST(ProfileChainTest, BadDurationSecondsNamesTheProfile) {
  for (const char* bad : {"abc", "", "1h", "-900", "0", "99999999999", "43201"}) {
    auto config = make_config(
        {{"slow", {{"role_arn", "arn:r"}, {"source_profile", "k"}, {"duration_seconds", bad}}}, {"k", k_keys}});
    auto chain = resolve_profile_chain(config, "slow");
    ASSERT_FALSE(chain) << "duration_seconds = " << bad;
    EXPECT_EQ(chain.error().kind, ErrorKind::config);
    EXPECT_NE(chain.error().message.find("`slow`"), std::string::npos) << chain.error().message;
    EXPECT_NE(chain.error().message.find("duration_seconds"), std::string::npos) << chain.error().message;
  }
}

TEST(ProfileChainTest, BadDurationDeepInTheChainNamesThatProfile) {
  auto config = make_config({{"top", {{"role_arn", "arn:t"}, {"source_profile", "mid"}}},
                             {"mid", {{"role_arn", "arn:m"}, {"source_profile", "k"}, {"duration_seconds", "x"}}},
                             {"k", k_keys}});
  auto chain = resolve_profile_chain(config, "top");
  ASSERT_FALSE(chain);
  EXPECT_NE(chain.error().message.find("`mid`"), std::string::npos) << chain.error().message;
}

TEST(ProfileChainTest, UnknownCredentialSourceIsRejected) {
  auto config = make_config({{"r", {{"role_arn", "arn:r"}, {"credential_source", "Keychain"}}}});
  auto chain = resolve_profile_chain(config, "r");
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().kind, ErrorKind::config);
  EXPECT_NE(chain.error().message.find("`Keychain`"), std::string::npos) << chain.error().message;
}

TEST(ProfileChainTest, MissingSelectedProfile) {
  auto chain = resolve_profile_chain(make_config({{"k", k_keys}}), "nope");
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().kind, ErrorKind::config);
  EXPECT_EQ(chain.error().message, "profile `nope` was not defined");
}

TEST(ProfileChainTest, SsoSessionMissingRegion) {
  aws::SharedConfig config = make_config({{"s", {{"sso_session", "dev"}}}});
  config.sso_sessions["dev"] = {{"sso_start_url", "https://x"}};
  auto chain = resolve_profile_chain(config, "s");
  ASSERT_FALSE(chain);
  EXPECT_NE(chain.error().message.find("`sso_region` was missing"), std::string::npos) << chain.error().message;
}

}  // namespace
}  // namespace stsh::creds

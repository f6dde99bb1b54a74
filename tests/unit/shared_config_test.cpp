#include "aws/shared_config.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace stsh::aws {
namespace {

using nlohmann::json;

const std::filesystem::path k_spec_dir = std::filesystem::path(STSH_SHARED_DIR) / "aws-sdk-spec-tests";
constexpr std::size_t k_parser_case_count = 65;
constexpr std::size_t k_location_case_count = 9;

struct SpecCase {
  std::size_t index;
  json data;
};

// Every case of one JSON file; an unreadable file gives none, which the
// SharedConfigSpecFiles tests then report.
std::vector<SpecCase> load_cases(const std::string& file) {
  std::ifstream in(k_spec_dir / file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const json root = json::parse(text.str(), nullptr, false);
  std::vector<SpecCase> cases;
  if (!root.is_object() || !root.contains("tests")) return cases;
  for (const auto& test : root["tests"]) cases.push_back({cases.size(), test});
  return cases;
}

// "p07_Profile_names_should_be_trimmed": the index keeps names unique (two
// cases share one name) and GoogleTest allows only [A-Za-z0-9_].
std::string case_name(const ::testing::TestParamInfo<SpecCase>& info) {
  std::string name = (info.param.index < 10 ? "c0" : "c") + std::to_string(info.param.index) + "_";
  for (char c : info.param.data.value("name", std::string())) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

std::map<std::string, PropertyMap> sections_from_json(const json& sections) {
  std::map<std::string, PropertyMap> out;
  for (const auto& [name, properties] : sections.items()) {
    PropertyMap& map = out[name];
    for (const auto& [key, value] : properties.items()) map[key] = value.get<std::string>();
  }
  return out;
}

class SharedConfigParserSpec : public ::testing::TestWithParam<SpecCase> {};

TEST_P(SharedConfigParserSpec, MatchesSdkBehaviour) {
  const json& test = GetParam().data;
  const json& input = test.at("input");
  const ConfigText config{input.value("configFile", std::string()), "/h/.aws/config"};
  const ConfigText credentials{input.value("credentialsFile", std::string()), "/h/.aws/credentials"};
  auto parsed = parse_shared_config(config, credentials);

  const json& output = test.at("output");
  if (output.contains("errorContaining")) {
    ASSERT_FALSE(parsed) << "expected an error";
    EXPECT_EQ(parsed.error().kind, ErrorKind::config);
    EXPECT_NE(parsed.error().message.find(output["errorContaining"].get<std::string>()), std::string::npos)
        << parsed.error().message;
    return;
  }
  ASSERT_TRUE(parsed) << parsed.error().message;
  const json& expected = output.at("config");
  EXPECT_EQ(parsed->profiles, sections_from_json(expected.at("profiles")));
  if (expected.contains("sso_sessions")) {
    EXPECT_EQ(parsed->sso_sessions, sections_from_json(expected["sso_sessions"]));
  }
}

INSTANTIATE_TEST_SUITE_P(ProfileParserTestsJson, SharedConfigParserSpec,
                         ::testing::ValuesIn(load_cases("profile-parser-tests.json")), case_name);

TEST(SharedConfigSpecFiles, ParserCaseCount) {
  EXPECT_EQ(load_cases("profile-parser-tests.json").size(), k_parser_case_count);
}

class SharedConfigLocationSpec : public ::testing::TestWithParam<SpecCase> {};

TEST_P(SharedConfigLocationSpec, MatchesSdkBehaviour) {
  const json& test = GetParam().data;
  util::MapEnvironment env;
  for (const auto& [name, value] : test.at("environment").items()) env.set(name, value.get<std::string>());
  const std::string platform = test.at("platform").get<std::string>();
  ASSERT_TRUE(platform == "linux" || platform == "windows") << platform;
  const PathStyle style = platform == "windows" ? PathStyle::windows : PathStyle::posix;

  const ConfigLocations locations = config_locations(env, style);
  EXPECT_EQ(locations.config.string(), test.at("configLocation").get<std::string>());
  EXPECT_EQ(locations.credentials.string(), test.at("credentialsLocation").get<std::string>());
  if (style == PathStyle::posix) {
    // The one-argument form is what stsh itself uses.
    EXPECT_EQ(config_locations(env).config, locations.config);
    EXPECT_EQ(config_locations(env).credentials, locations.credentials);
  }
  if (test.contains("profile")) {
    EXPECT_EQ(selected_profile(env), test["profile"].get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(FileLocationTestsJson, SharedConfigLocationSpec,
                         ::testing::ValuesIn(load_cases("file-location-tests.json")), case_name);

TEST(SharedConfigSpecFiles, LocationCaseCount) {
  EXPECT_EQ(load_cases("file-location-tests.json").size(), k_location_case_count);
}

// Our own cases, beyond the shared suite.

util::MapEnvironment env_of(std::initializer_list<std::pair<const char*, const char*>> vars) {
  util::MapEnvironment env;
  for (const auto& [name, value] : vars) env.set(name, value);
  return env;
}

Error parse_error(std::string config_text, std::string credentials_text = "") {
  auto parsed = parse_shared_config({std::move(config_text), "/h/.aws/config"},
                                    {std::move(credentials_text), "/h/.aws/credentials"});
  EXPECT_FALSE(parsed);
  return parsed ? Error{} : parsed.error();
}

TEST(SharedConfigTest, ErrorNamesFileAndLine) {
  EXPECT_EQ(parse_error("[profile a]\nregion = x\n\nbroken line").message,
            "/h/.aws/config:4: Expected an '=' sign defining a property");
  EXPECT_EQ(parse_error("", "# keys\n[default]\r\n= v").message, "/h/.aws/credentials:3: Property did not have a name");
  EXPECT_EQ(parse_error("[default]\ns3 =\n  ok = 1\n  broken").message,
            "/h/.aws/config:4: Expected an '=' sign defining a sub-property");
}

TEST(SharedConfigTest, ErrorNeverQuotesTheLine) {
  const Error error = parse_error("[default]\naws_secret_access_key: wJalrXUtnFEMI");
  EXPECT_EQ(error.message, "/h/.aws/config:2: Expected an '=' sign defining a property");
  EXPECT_EQ(error.message.find("wJalr"), std::string::npos);
}

TEST(SharedConfigTest, SubPropertiesSplitsRawValue) {
  EXPECT_EQ(sub_properties("\nname = value\nName2=value2 = x\n\n"),
            (PropertyMap{{"name", "value"}, {"Name2", "value2 = x"}}));
  EXPECT_EQ(sub_properties("\nname =\nnot a property\n in valid = v"), (PropertyMap{{"name", ""}, {"in valid", "v"}}));
  EXPECT_TRUE(sub_properties("").empty());
  EXPECT_TRUE(sub_properties("plain").empty());
}

TEST(SharedConfigTest, SubPropertiesOfParsedValue) {
  auto parsed = parse_shared_config({"[profile p]\ns3 =\n  addressing_style = path\n  max_attempts = 3", "c"}, {});
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto raw = parsed->get("p", "s3");
  ASSERT_TRUE(raw);
  EXPECT_EQ(sub_properties(*raw), (PropertyMap{{"addressing_style", "path"}, {"max_attempts", "3"}}));
}

TEST(SharedConfigTest, GetIsCaseInsensitiveForPropertiesOnly) {
  auto parsed = parse_shared_config({"[profile Dev]\nRegion = eu-west-1", "c"}, {});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("Dev", "REGION"), "eu-west-1");
  EXPECT_EQ(parsed->get("dev", "region"), std::nullopt);
  EXPECT_EQ(parsed->get("Dev", "output"), std::nullopt);
  ASSERT_NE(parsed->profile("Dev"), nullptr);
  EXPECT_EQ(parsed->profile("nope"), nullptr);
}

TEST(SharedConfigTest, SelectedProfile) {
  util::MapEnvironment env;
  EXPECT_EQ(selected_profile(env), "default");
  env.set("AWS_PROFILE", "");
  EXPECT_EQ(selected_profile(env), "default");
  env.set("AWS_PROFILE", "work");
  EXPECT_EQ(selected_profile(env), "work");
}

TEST(SharedConfigTest, TildeExpansion) {
  util::MapEnvironment env = env_of({{"HOME", "/home/u/"}, {"AWS_CONFIG_FILE", "~/cfg/config"}});
  EXPECT_EQ(config_locations(env).config, "/home/u/cfg/config");
  EXPECT_EQ(config_locations(env).credentials, "/home/u/.aws/credentials");
  env.set("AWS_CONFIG_FILE", "~other/config");  // never another user's home
  EXPECT_EQ(config_locations(env).config, "~other/config");
  env.set("AWS_CONFIG_FILE", "relative/config");
  EXPECT_EQ(config_locations(env).config, "relative/config");

  util::MapEnvironment windows = env_of({{"USERPROFILE", "C:\\Users\\u"}, {"AWS_CONFIG_FILE", "~/cfg/config"}});
  EXPECT_EQ(config_locations(windows, PathStyle::windows).config.string(), "C:\\Users\\u\\cfg\\config");
}

TEST(SharedConfigTest, WithoutHomeThePathStaysUnexpanded) {
  util::MapEnvironment env = env_of({{"USERPROFILE", "C:\\Users\\u"}});
  EXPECT_EQ(home_directory(env, PathStyle::posix), std::nullopt);
  EXPECT_EQ(config_locations(env).config, "~/.aws/config");
}

TEST(SharedConfigTest, LoadsBothFilesAndToleratesMissingOnes) {
  util::MemoryFileSystem fs;
  util::MapEnvironment env = env_of({{"HOME", "/home/u"}});
  auto empty = load_shared_config(fs, env);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->profiles.empty());

  fs.add_file("/home/u/.aws/config", "[default]\nregion = us-east-1\naws_access_key_id = AKIACONFIG\n");
  fs.add_file("/home/u/.aws/credentials", "[default]\naws_access_key_id = AKIACREDS\n");
  auto loaded = load_shared_config(fs, env);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->get("default", "region"), "us-east-1");
  EXPECT_EQ(loaded->get("default", "aws_access_key_id"), "AKIACREDS");

  fs.add_file("/home/u/.aws/credentials", "[default\n");
  auto broken = load_shared_config(fs, env);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message, "/home/u/.aws/credentials:1: Profile definition must end with ']'");
}

TEST(SharedConfigTest, IndentedCommentIsAContinuation) {
  // As in the SDKs, only a comment in the first column is skipped.
  auto parsed = parse_shared_config({"[default]\nregion = a\n  # not a comment", "c"}, {});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("default", "region"), "a\n# not a comment");
}

}  // namespace
}  // namespace stsh::aws

#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace stsh::aws {
namespace {

using util::MapEnvironment;

MapEnvironment env_with(const std::string& name, const std::string& value) {
  MapEnvironment env;
  env.set(name, value);
  return env;
}

TEST(ResolveRegion, FlagWins) {
  MapEnvironment env({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(resolve_region("ap-south-1", env), "ap-south-1");
}

TEST(ResolveRegion, AwsRegionBeforeDefaultRegion) {
  MapEnvironment env({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(resolve_region(std::nullopt, env), "eu-west-1");
}

TEST(ResolveRegion, DefaultRegionWhenAwsRegionUnsetOrEmpty) {
  MapEnvironment env({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(resolve_region(std::nullopt, env), "eu-west-2");
}

TEST(ResolveRegion, FallsBackToUsEast1) { EXPECT_EQ(resolve_region(std::nullopt, MapEnvironment{}), "us-east-1"); }

TEST(ResolveStsEndpoint, RegionalEndpoint) {
  auto e = resolve_sts_endpoint("eu-central-1", MapEnvironment{});
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->url, "https://sts.eu-central-1.amazonaws.com");
  EXPECT_EQ(e->host, "sts.eu-central-1.amazonaws.com");
  EXPECT_EQ(e->path, "/");
}

TEST(ResolveStsEndpoint, ChinaPartition) {
  auto e = resolve_sts_endpoint("cn-north-1", MapEnvironment{});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->url, "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(e->host, "sts.cn-north-1.amazonaws.com.cn");
}

TEST(ResolveStsEndpoint, GovCloudUsesAmazonawsCom) {
  auto e = resolve_sts_endpoint("us-gov-west-1", MapEnvironment{});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->url, "https://sts.us-gov-west-1.amazonaws.com");
}

TEST(ResolveStsEndpoint, RejectsRegionThatIsNotAHostLabel) {
  for (const char* bad : {"", "evil.com/x", "us-east-1.attacker.net", "US-EAST-1", "-x"}) {
    auto e = resolve_sts_endpoint(bad, MapEnvironment{});
    ASSERT_FALSE(e.has_value()) << bad;
    EXPECT_EQ(e.error().kind, ErrorKind::usage);
  }
}

TEST(ResolveStsEndpoint, ServiceSpecificVariableWins) {
  MapEnvironment env({{"AWS_ENDPOINT_URL_STS", "https://sts.example.test:8443/base/"},
                      {"AWS_ENDPOINT_URL", "https://global.example.test"}});
  auto e = resolve_sts_endpoint("us-east-1", env);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->url, "https://sts.example.test:8443/base");
  EXPECT_EQ(e->host, "sts.example.test:8443");
  EXPECT_EQ(e->path, "/base");
}

TEST(ResolveStsEndpoint, GlobalVariableWhenServiceSpecificUnsetOrEmpty) {
  MapEnvironment env({{"AWS_ENDPOINT_URL_STS", ""}, {"AWS_ENDPOINT_URL", "https://global.example.test/"}});
  auto e = resolve_sts_endpoint("us-east-1", env);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->url, "https://global.example.test");
  EXPECT_EQ(e->host, "global.example.test");
  EXPECT_EQ(e->path, "/");
}

TEST(ResolveStsEndpoint, IgnoreFlagSkipsBothVariables) {
  for (const char* flag : {"true", "TRUE", "True"}) {
    MapEnvironment env({{"AWS_ENDPOINT_URL_STS", "https://sts.example.test"},
                        {"AWS_ENDPOINT_URL", "https://global.example.test"},
                        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", flag}});
    auto e = resolve_sts_endpoint("us-west-2", env);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->url, "https://sts.us-west-2.amazonaws.com") << flag;
  }
}

TEST(ResolveStsEndpoint, IgnoreFlagOtherThanTrueIsOff) {
  MapEnvironment env(
      {{"AWS_ENDPOINT_URL_STS", "https://sts.example.test"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}});
  auto e = resolve_sts_endpoint("us-west-2", env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->url, "https://sts.example.test");
}

TEST(ResolveStsEndpoint, IgnoreFlagAlsoSkipsAnInvalidOverride) {
  MapEnvironment env(
      {{"AWS_ENDPOINT_URL_STS", "http://evil.example"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}});
  EXPECT_TRUE(resolve_sts_endpoint("us-west-2", env).has_value());
}

TEST(ResolveStsEndpoint, PlainHttpAllowedForLoopback) {
  for (const char* url : {"http://127.0.0.1:5000", "http://localhost:5000", "http://LOCALHOST", "http://[::1]:5000",
                          "http://127.255.0.9", "http://[0:0:0:0:0:0:0:1]/"}) {
    auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", url));
    EXPECT_TRUE(e.has_value()) << url << ": " << (e ? "" : e.error().message);
  }
  auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", "http://[::1]:5000/"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->url, "http://[::1]:5000");
  EXPECT_EQ(e->host, "[::1]:5000");
}

TEST(ResolveStsEndpoint, PlainHttpRefusedForOtherHosts) {
  for (const char* url :
       {"http://sts.example.test", "http://127.0.0.1.evil.com", "http://127.0.0.1.evil.com:80",
        "http://localhost.evil.com", "http://evil.com/127.0.0.1", "http://10.0.0.1:5000", "http://[::2]",
        "http://128.0.0.1", "http://127.1", "http://0177.0.0.1", "http://[::ffff:8.8.8.8]", "HTTP://example.test"}) {
    auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL", url));
    ASSERT_FALSE(e.has_value()) << url;
    EXPECT_EQ(e.error().kind, ErrorKind::config);
    EXPECT_NE(e.error().message.find("https://"), std::string::npos) << e.error().message;
    EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
  }
}

TEST(ResolveStsEndpoint, PlainHttpRefusalNamesTheVariable) {
  auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", "http://sts.example.test"));
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("AWS_ENDPOINT_URL_STS"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("plain http"), std::string::npos) << e.error().message;
}

TEST(ResolveStsEndpoint, RejectsMalformedUrls) {
  for (const char* url :
       {"sts.example.test", "ftp://sts.example.test", "https://", "https:///path", "https://host:0",
        "https://host:99999", "https://host:abc", "https://[::1", "https://[zz]", "https://host/a?b=c",
        "https://host/#frag", "https://us er@host", "https://host name", "https://host\\evil"}) {
    auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", url));
    ASSERT_FALSE(e.has_value()) << url;
    EXPECT_EQ(e.error().kind, ErrorKind::config);
  }
}

TEST(ResolveStsEndpoint, UserInfoIsNotEchoed) {
  auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", "https://user:hunter2@sts.example.test"));
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().message.find("hunter2"), std::string::npos) << e.error().message;
}

TEST(ResolveStsEndpoint, HttpsSchemeIsCaseInsensitive) {
  auto e = resolve_sts_endpoint("us-east-1", env_with("AWS_ENDPOINT_URL_STS", "HTTPS://sts.example.test"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->url, "https://sts.example.test");
}

TEST(IsLoopbackHost, Cases) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.10.20.30"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1.evil.com"));
  EXPECT_FALSE(is_loopback_host("127.0.0.256"));
  EXPECT_FALSE(is_loopback_host("127.0.0"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1."));
  EXPECT_FALSE(is_loopback_host("evil-localhost"));
  EXPECT_FALSE(is_loopback_host("[::1]:80"));
  EXPECT_FALSE(is_loopback_host(""));
}

}  // namespace
}  // namespace stsh::aws

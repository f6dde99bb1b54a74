#include "util/args.h"

#include <gtest/gtest.h>

#include <array>

namespace stsh::util {
namespace {

constexpr std::array k_specs = {
    OptionSpec{"account", ArgKind::value, "acct"},
    OptionSpec{"shell", ArgKind::optional_value, "shell"},
    OptionSpec{"cachefiles", ArgKind::flag, "cache"},
    OptionSpec{"debug", ArgKind::flag, "debug", "", 'd'},
};

Result<ParsedArgs> parse(std::vector<std::string> words, bool stop = false) {
  return parse_args(words, k_specs, "stsh test", stop);
}

TEST(Args, ValueSeparateAndInline) {
  auto a = parse({"--account", "work"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->get("account"), "work");
  auto b = parse({"--account=personal"});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->get("account"), "personal");
}

TEST(Args, OptionalValueNeverTakesNextWord) {
  auto a = parse({"--shell", "work"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->get("shell"), "");
  EXPECT_EQ(a->positionals(), std::vector<std::string>{"work"});
  auto b = parse({"--shell=fish"});
  EXPECT_EQ(b->get("shell"), "fish");
}

TEST(Args, FlagsShortAndLong) {
  auto a = parse({"-d", "--cachefiles"});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->has("debug"));
  EXPECT_TRUE(a->has("cachefiles"));
  EXPECT_FALSE(a->has("account"));
}

TEST(Args, UnknownOptionIsUsageError) {
  auto a = parse({"--nope"});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ErrorKind::usage);
  EXPECT_NE(a.error().message.find("--nope"), std::string::npos);
}

TEST(Args, MissingValueIsUsageError) {
  auto a = parse({"--account"});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ErrorKind::usage);
}

TEST(Args, FlagWithValueIsUsageError) { EXPECT_FALSE(parse({"--cachefiles=yes"})); }

TEST(Args, DoubleDashEndsOptions) {
  auto a = parse({"x", "--", "--account", "y"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->positionals(), std::vector<std::string>{"x"});
  EXPECT_EQ(a->rest(), (std::vector<std::string>{"--account", "y"}));
}

TEST(Args, StopAtPositionalKeepsCommandLine) {
  auto a = parse({"prof", "ls", "--account", "-d"}, true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->positionals(), std::vector<std::string>{"prof"});
  EXPECT_EQ(a->rest(), (std::vector<std::string>{"ls", "--account", "-d"}));
}

}  // namespace
}  // namespace stsh::util

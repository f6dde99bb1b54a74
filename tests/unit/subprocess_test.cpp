// Runs real programs from the base system: the filter's job is process
// plumbing, which a fake cannot exercise.

#include "util/subprocess.h"

#include <gtest/gtest.h>

namespace stsh::util {
namespace {

TEST(Subprocess, PassesInputAndReturnsOutput) {
  auto output = run_filter("/bin/cat", {}, "secret stays in pipes\n");
  ASSERT_TRUE(output) << output.error().message;
  EXPECT_EQ(*output, "secret stays in pipes\n");
}

TEST(Subprocess, NonZeroExitIsAnError) {
  auto output = run_filter("/bin/sh", {"-c", "cat >/dev/null; exit 3"}, "x");
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("exit status 3"), std::string::npos);
}

TEST(Subprocess, ProgramThatIgnoresInputDoesNotHang) {
  std::string big(1 << 20, 'x');
  auto output = run_filter("/bin/true", {}, big);
  ASSERT_TRUE(output) << output.error().message;
  EXPECT_EQ(*output, "");
}

TEST(Subprocess, MissingProgramIsAnError) {
  auto output = run_filter("/nonexistent/stsh-net", {}, "");
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("/nonexistent/stsh-net"), std::string::npos);
}

TEST(Subprocess, OutputLimitIsEnforced) {
  auto output = run_filter("/bin/sh", {"-c", "head -c 1000000 /dev/zero"}, "", 100);
  ASSERT_FALSE(output);
  EXPECT_NE(output.error().message.find("more than 100 bytes"), std::string::npos);
}

}  // namespace
}  // namespace stsh::util

#include "shell/quote.h"

#include <gtest/gtest.h>

#include "shell/env_script.h"

namespace stsh::shell {
namespace {

TEST(Quote, PosixWrapsInSingleQuotes) { EXPECT_EQ(quote("abc", ShellKind::posix), "'abc'"); }

TEST(Quote, PosixEscapesSingleQuote) { EXPECT_EQ(quote("a'b", ShellKind::bash), "'a'\\''b'"); }

TEST(Quote, PosixKeepsDollarBacktickBackslashLiteral) {
  EXPECT_EQ(quote("$HOME `id` \\n \"x\"", ShellKind::zsh), "'$HOME `id` \\n \"x\"'");
}

TEST(Quote, FishEscapesQuoteAndBackslash) { EXPECT_EQ(quote("a'b\\c$d", ShellKind::fish), "'a\\'b\\\\c$d'"); }

TEST(Quote, EmptyValue) {
  EXPECT_EQ(quote("", ShellKind::posix), "''");
  EXPECT_EQ(quote("", ShellKind::fish), "''");
}

TEST(Quote, ParseShellKind) {
  EXPECT_EQ(parse_shell_kind("bash"), ShellKind::bash);
  EXPECT_EQ(parse_shell_kind("sh"), ShellKind::posix);
  EXPECT_EQ(parse_shell_kind("fish"), ShellKind::fish);
  EXPECT_FALSE(parse_shell_kind("tcsh"));
}

TEST(EnvScript, PosixRendering) {
  EnvScript script;
  script.set("A", "x y");
  script.unset("B");
  script.set_default("C", "us-east-1");
  EXPECT_EQ(script.render(ShellKind::bash),
            "export A='x y';\nunset B;\n"
            "if [ -z \"${C-}\" ]; then C='us-east-1'; fi; export C;\n");
}

TEST(EnvScript, FishRendering) {
  EnvScript script;
  script.set("A", "it's");
  script.unset("B");
  script.set_default("C", "us-east-1");
  EXPECT_EQ(script.render(ShellKind::fish),
            "set -gx A 'it\\'s';\nset -e B;\n"
            "test -n \"$C\"; or set -gx C 'us-east-1';\n");
}

}  // namespace
}  // namespace stsh::shell

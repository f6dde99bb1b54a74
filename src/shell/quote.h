#pragma once
// The one place where values are quoted for a shell.

#include <optional>
#include <string>
#include <string_view>

namespace stsh::shell {

enum class ShellKind { posix, bash, zsh, fish, powershell };

std::optional<ShellKind> parse_shell_kind(std::string_view name);
std::string_view shell_name(ShellKind kind);

// A single word that the shell reads back as exactly `value`, whatever bytes
// it holds (quotes, $, backticks, spaces, newlines).
std::string quote(std::string_view value, ShellKind kind);

}  // namespace stsh::shell

#include "shell/quote.h"

namespace stsh::shell {

std::optional<ShellKind> parse_shell_kind(std::string_view name) {
  if (name == "sh" || name == "posix") return ShellKind::posix;
  if (name == "bash") return ShellKind::bash;
  if (name == "zsh") return ShellKind::zsh;
  if (name == "fish") return ShellKind::fish;
  return std::nullopt;
}

std::string_view shell_name(ShellKind kind) {
  switch (kind) {
    case ShellKind::posix: return "sh";
    case ShellKind::bash: return "bash";
    case ShellKind::zsh: return "zsh";
    case ShellKind::fish: return "fish";
  }
  return "sh";
}

std::string quote(std::string_view value, ShellKind kind) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      // POSIX single quotes cannot hold a quote: close, escape, reopen.
      // fish single quotes take \' and \\ as their only escapes.
      out += kind == ShellKind::fish ? "\\'" : "'\\''";
    } else if (c == '\\' && kind == ShellKind::fish) {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

}  // namespace stsh::shell

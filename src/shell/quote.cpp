#include "shell/quote.h"

namespace stsh::shell {

std::optional<ShellKind> parse_shell_kind(std::string_view name) {
  if (name == "sh" || name == "posix") return ShellKind::posix;
  if (name == "bash") return ShellKind::bash;
  if (name == "zsh") return ShellKind::zsh;
  if (name == "fish") return ShellKind::fish;
  if (name == "powershell" || name == "pwsh") return ShellKind::powershell;
  return std::nullopt;
}

std::string_view shell_name(ShellKind kind) {
  switch (kind) {
    case ShellKind::posix: return "sh";
    case ShellKind::bash: return "bash";
    case ShellKind::zsh: return "zsh";
    case ShellKind::fish: return "fish";
    case ShellKind::powershell: return "powershell";
  }
  return "sh";
}

std::string quote(std::string_view value, ShellKind kind) {
  std::string out = "'";
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (kind == ShellKind::powershell) {
      // PowerShell ends a single-quoted string at ' and at the typographic
      // quotes U+2018..U+201B too; each is escaped by doubling it.
      bool typographic = i + 2 < value.size() && c == '\xE2' && value[i + 1] == '\x80' && value[i + 2] >= '\x98' &&
                         value[i + 2] <= '\x9B';
      if (typographic) {
        out.append(value.substr(i, 3)).append(value.substr(i, 3));
        i += 2;
      } else {
        out += c == '\'' ? "''" : std::string(1, c);
      }
    } else if (c == '\'') {
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

#pragma once
// A small command-line parser: long options (--name VALUE, --name=VALUE),
// flags, positionals, and `--` to end options.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace stsh::util {

enum class ArgKind {
  flag,            // --name
  value,           // --name VALUE or --name=VALUE
  optional_value,  // --name or --name=VALUE (never takes the next word)
};

struct OptionSpec {
  std::string_view name;  // without dashes
  ArgKind kind;
  std::string_view help;
  std::string_view value_name = "VALUE";
  char short_name = 0;
};

class ParsedArgs {
 public:
  bool has(std::string_view name) const { return m_options.contains(std::string(name)); }
  // The value given (the last one when repeated); "" for a bare optional_value.
  std::optional<std::string> get(std::string_view name) const {
    auto it = m_options.find(std::string(name));
    if (it == m_options.end()) return std::nullopt;
    return it->second;
  }
  const std::vector<std::string>& positionals() const { return m_positionals; }
  // Words after `--`, kept apart so a command line can be passed through.
  const std::vector<std::string>& rest() const { return m_rest; }

 private:
  friend Result<ParsedArgs> parse_args(std::span<const std::string>, std::span<const OptionSpec>, std::string_view,
                                       bool);
  std::map<std::string, std::string> m_options;
  std::vector<std::string> m_positionals;
  std::vector<std::string> m_rest;
};

// `command` names the command in error messages ("stsh switch").
// With `stop_at_positional`, the first positional and all after it are
// left untouched in rest() (for `exec PROFILE CMD ARGS...`).
Result<ParsedArgs> parse_args(std::span<const std::string> args, std::span<const OptionSpec> specs,
                              std::string_view command, bool stop_at_positional = false);

// One line per option, for --help.
std::string options_help(std::span<const OptionSpec> specs);

}  // namespace stsh::util

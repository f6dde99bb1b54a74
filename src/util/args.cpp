#include "util/args.h"

#include <algorithm>

namespace stsh::util {

Result<ParsedArgs> parse_args(std::span<const std::string> args, std::span<const OptionSpec> specs,
                              std::string_view command, bool stop_at_positional) {
  ParsedArgs parsed;
  auto find_spec = [&](std::string_view name) -> const OptionSpec* {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
    return it == specs.end() ? nullptr : &*it;
  };
  auto find_short = [&](char c) -> const OptionSpec* {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.short_name == c; });
    return it == specs.end() ? nullptr : &*it;
  };
  auto unknown = [&](std::string_view word) {
    return fail(ErrorKind::usage, "unknown option " + std::string(word) + " for '" + std::string(command) + "'; see '" +
                                      std::string(command) + " --help'");
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") {
      parsed.m_rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (word.size() > 2 && word.starts_with("--")) {
      std::string_view body = std::string_view(word).substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = body.find('='); eq != std::string_view::npos) {
        inline_value = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const OptionSpec* spec = find_spec(body);
      if (spec == nullptr) return unknown("--" + std::string(body));
      std::string name(spec->name);
      switch (spec->kind) {
        case ArgKind::flag:
          if (inline_value) {
            return fail(ErrorKind::usage, "option --" + name + " of '" + std::string(command) + "' takes no value");
          }
          parsed.m_options[name] = "";
          break;
        case ArgKind::optional_value: parsed.m_options[name] = inline_value.value_or(""); break;
        case ArgKind::value:
          if (inline_value) {
            parsed.m_options[name] = *inline_value;
          } else if (i + 1 < args.size()) {
            parsed.m_options[name] = args[++i];
          } else {
            return fail(ErrorKind::usage, "option --" + name + " of '" + std::string(command) + "' needs a " +
                                              std::string(spec->value_name));
          }
          break;
      }
      continue;
    }
    if (word.size() == 2 && word[0] == '-' && word[1] != '-') {
      const OptionSpec* spec = find_short(word[1]);
      if (spec == nullptr) return unknown(word);
      std::string name(spec->name);
      if (spec->kind == ArgKind::value) {
        if (i + 1 >= args.size()) {
          return fail(ErrorKind::usage,
                      "option " + word + " of '" + std::string(command) + "' needs a " + std::string(spec->value_name));
        }
        parsed.m_options[name] = args[++i];
      } else {
        parsed.m_options[name] = "";
      }
      continue;
    }
    if (stop_at_positional && !parsed.m_positionals.empty()) {
      parsed.m_rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    parsed.m_positionals.push_back(word);
  }
  return parsed;
}

std::string options_help(std::span<const OptionSpec> specs) {
  std::string out;
  for (const auto& spec : specs) {
    std::string left = "  ";
    if (spec.short_name != 0) left += std::string("-") + spec.short_name + ", ";
    left += "--" + std::string(spec.name);
    if (spec.kind == ArgKind::value) left += " " + std::string(spec.value_name);
    if (spec.kind == ArgKind::optional_value) left += "[=" + std::string(spec.value_name) + "]";
    if (left.size() < 28)
      left.resize(28, ' ');
    else
      left += "  ";
    out += left + std::string(spec.help) + "\n";
  }
  return out;
}

}  // namespace stsh::util

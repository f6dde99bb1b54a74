// The profile-file grammar as the AWS SDKs implement it (the Rust SDK's
// env_config parse.rs and normalize.rs are the model): lines are first read
// into raw sections, then the section headers are judged per file kind and
// the valid ones merged.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/shared_config.h"
#include "util/strings.h"

namespace stsh::aws {

namespace {

enum class FileKind { config, credentials };

// The spec trims only spaces and tabs, so a stray '\r' or form feed stays
// part of a value rather than being silently dropped.
constexpr std::string_view k_blanks = " \t";
constexpr std::string_view k_comment_starts = "#;";
constexpr std::string_view k_profile_prefix = "profile";
constexpr std::string_view k_sso_session_prefix = "sso-session";
constexpr std::string_view k_default = "default";

std::string_view trim_blanks(std::string_view s) {
  const auto first = s.find_first_not_of(k_blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(k_blanks) - first + 1);
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string_view trim_ascii_space(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// Trims the line and cuts a trailing comment. In a property a comment must
// follow whitespace, because values such as URLs or base64 may hold '#' or
// ';'; a section header has no such values, so there any '#' or ';' starts one.
std::string_view strip_comment(std::string_view line, bool comment_needs_space) {
  line = trim_blanks(line);
  bool previous_is_space = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (k_comment_starts.find(c) != std::string_view::npos && (previous_is_space || !comment_needs_space)) {
      return trim_blanks(line.substr(0, i));
    }
    previous_is_space = is_ascii_space(c);
  }
  return line;
}

enum class PropertyProblem { none, no_equals, no_name };

struct PropertyLine {
  std::string name;  // lower-case: the SDKs treat property names case-insensitively
  std::string value;
  PropertyProblem problem = PropertyProblem::none;
};

PropertyLine split_property(std::string_view line) {
  line = strip_comment(line, true);
  const auto equals = line.find('=');
  if (equals == std::string_view::npos) return {{}, {}, PropertyProblem::no_equals};
  const std::string_view name = trim_blanks(line.substr(0, equals));
  if (name.empty()) return {{}, {}, PropertyProblem::no_name};
  return {util::to_lower(name), std::string(trim_blanks(line.substr(equals + 1))), PropertyProblem::none};
}

// `what` is "property" or "sub-property"; the wording matches the SDKs'.
std::string describe(PropertyProblem problem, std::string_view what) {
  if (problem == PropertyProblem::no_name) {
    std::string capitalized(what);
    capitalized[0] = static_cast<char>(capitalized[0] - 'a' + 'A');
    return capitalized + " did not have a name";
  }
  return "Expected an '=' sign defining a " + std::string(what);
}

// One bracketed section as written, before its header is judged.
struct RawSection {
  std::string header;  // between the brackets, comment cut, not yet split
  PropertyMap properties;
};

class RawParser {
 public:
  explicit RawParser(const ConfigText& file) : m_file(file) {}

  Result<std::vector<RawSection>> parse() {
    std::string_view rest = m_file.text;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      // "\r\n" ends a line like "\n"; a lone '\r' is content.
      if (end != std::string_view::npos && line.ends_with('\r')) line.remove_suffix(1);
      ++m_line_number;
      if (auto done = read_line(line); !done) return std::unexpected(done.error());
    }
    return std::move(m_sections);
  }

 private:
  Result<void> read_line(std::string_view line) {
    if (trim_blanks(line).empty()) return {};
    if (k_comment_starts.find(line.front()) != std::string_view::npos) return {};
    if (line.front() == '[') return read_section_line(line);
    if (line.front() == ' ' || line.front() == '\t') return read_continuation(line);
    return read_property_line(line);
  }

  Result<void> read_section_line(std::string_view line) {
    std::string_view header = strip_comment(line, false);
    if (!header.ends_with(']')) return error("Profile definition must end with ']'");
    header.remove_prefix(1);
    header.remove_suffix(1);
    m_sections.push_back(RawSection{std::string(header), {}});
    m_property.reset();
    return {};
  }

  Result<void> read_property_line(std::string_view line) {
    if (m_sections.empty()) return error("Expected a profile definition");
    PropertyLine property = split_property(line);
    if (property.problem != PropertyProblem::none) return error(describe(property.problem, "property"));
    // An empty value announces sub-properties, whose lines must parse too.
    m_in_sub_properties = property.value.empty();
    m_sections.back().properties[property.name] = std::move(property.value);
    m_property = std::move(property.name);
    return {};
  }

  Result<void> read_continuation(std::string_view line) {
    if (m_sections.empty()) return error("Expected a profile definition");
    if (!m_property) return error("Expected a property definition, found continuation");
    if (m_in_sub_properties) {
      const PropertyProblem problem = split_property(line).problem;
      if (problem != PropertyProblem::none) return error(describe(problem, "sub-property"));
    }
    std::string& value = m_sections.back().properties[*m_property];
    value += '\n';
    value += trim_blanks(line);
    return {};
  }

  // The offending line is left out on purpose: it may hold a secret key.
  std::unexpected<Error> error(std::string_view message) const {
    return fail(ErrorKind::config, m_file.source + ":" + std::to_string(m_line_number) + ": " + std::string(message));
  }

  const ConfigText& m_file;
  std::vector<RawSection> m_sections;
  std::optional<std::string> m_property;  // the property continuations extend
  bool m_in_sub_properties = false;
  std::size_t m_line_number = 0;
};

// The identifiers the SDKs accept for profile and property names. Unlike
// the Rust SDK (which lets "" through) an empty name is refused, as the
// spec's `[A-Za-z0-9_\-/.%@:+]+` says.
bool is_identifier(std::string_view name) {
  constexpr std::string_view k_punctuation = "_-/.%@:+";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           k_punctuation.find(c) != std::string_view::npos;
  });
}

struct SectionName {
  std::optional<std::string> prefix;  // "profile", "sso-session", or another word
  std::string name;
};

SectionName split_header(std::string_view header) {
  header = trim_blanks(header);
  const auto blank = header.find_first_of(k_blanks);
  if (blank == std::string_view::npos) return {std::nullopt, std::string(trim_ascii_space(header))};
  return {std::string(trim_ascii_space(header.substr(0, blank))),
          std::string(trim_ascii_space(header.substr(blank + 1)))};
}

enum class Target { ignored, profile, sso_session };

// Which map a section feeds. In the config file a profile needs the
// `profile` prefix (except [default]); in the credentials file it must not
// have one. Other prefixes (e.g. `services`) are not profiles and are skipped.
Target target_of(const SectionName& section, FileKind kind) {
  if (kind == FileKind::credentials) {
    return !section.prefix && is_identifier(section.name) ? Target::profile : Target::ignored;
  }
  if (!section.prefix) return section.name == k_default ? Target::profile : Target::ignored;
  if (!is_identifier(section.name)) return Target::ignored;
  if (*section.prefix == k_profile_prefix) return Target::profile;
  if (*section.prefix == k_sso_session_prefix) return Target::sso_session;
  return Target::ignored;
}

bool is_prefixed_default(const SectionName& section) {
  return section.prefix == k_profile_prefix && section.name == k_default;
}

void merge_file(SharedConfig& config, const std::vector<RawSection>& sections, FileKind kind) {
  std::vector<SectionName> names;
  names.reserve(sections.size());
  for (const auto& section : sections) names.push_back(split_header(section.header));
  // `[profile default]` replaces `[default]` outright rather than merging
  // with it, wherever the two appear in the file.
  const bool ignore_plain_default = std::any_of(names.begin(), names.end(), [&](const SectionName& n) {
    return is_prefixed_default(n) && target_of(n, kind) == Target::profile;
  });

  for (std::size_t i = 0; i < sections.size(); ++i) {
    const SectionName& name = names[i];
    const Target target = target_of(name, kind);
    if (target == Target::ignored) continue;
    if (ignore_plain_default && !name.prefix && name.name == k_default) continue;
    PropertyMap& properties = target == Target::profile ? config.profiles[name.name] : config.sso_sessions[name.name];
    for (const auto& [key, value] : sections[i].properties) {
      if (is_identifier(key)) properties[key] = value;
    }
  }
}

}  // namespace

Result<SharedConfig> parse_shared_config(const ConfigText& config, const ConfigText& credentials) {
  auto config_sections = RawParser(config).parse();
  if (!config_sections) return std::unexpected(config_sections.error());
  auto credentials_sections = RawParser(credentials).parse();
  if (!credentials_sections) return std::unexpected(credentials_sections.error());

  SharedConfig merged;
  merge_file(merged, *config_sections, FileKind::config);
  // Merged second, so a property in both files takes the credentials value.
  merge_file(merged, *credentials_sections, FileKind::credentials);
  return merged;
}

}  // namespace stsh::aws

// Where the shared config files live, how they are loaded, and lookups in
// the parsed result. The grammar itself is in shared_config_parser.cpp.

#include "aws/shared_config.h"

#include "util/strings.h"

namespace stsh::aws {

namespace {

std::string_view trim_blanks(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool is_separator(char c, PathStyle style) { return c == '/' || (style == PathStyle::windows && c == '\\'); }

// `home` followed by `rest`, one separator between; on Windows every '/'
// in `rest` becomes '\' as the SDKs' path rewriting does.
std::string join(std::string home, std::string_view rest, PathStyle style) {
  const char separator = style == PathStyle::windows ? '\\' : '/';
  while (!rest.empty() && is_separator(rest.front(), style)) rest.remove_prefix(1);
  if (rest.empty()) return home;
  if (home.empty() || !is_separator(home.back(), style)) home += separator;
  for (char c : rest) home += is_separator(c, style) ? separator : c;
  return home;
}

// Only "~" and "~/..." are expanded, not "~user": the SDKs never look up
// other users. Without a home the path stays as written and is simply not
// found, as in the Rust SDK.
std::string expand_home(std::string_view path, const std::optional<std::string>& home, PathStyle style) {
  if (!home || !path.starts_with('~')) return std::string(path);
  if (path.size() > 1 && !is_separator(path[1], style)) return std::string(path);
  return join(*home, path.substr(1), style);
}

std::string file_location(const util::Environment& env, std::string_view variable, std::string_view default_path,
                          PathStyle style) {
  const auto home = home_directory(env, style);
  if (auto value = env.get_nonempty(variable)) return expand_home(*value, home, style);
  return expand_home(default_path, home, style);
}

Result<std::string> read_or_empty(const util::FileSystem& fs, const util::Path& path) {
  auto text = fs.read_file(path);
  if (!text) return std::unexpected(text.error());
  return text->value_or("");
}

}  // namespace

const PropertyMap* SharedConfig::profile(std::string_view name) const {
  auto it = profiles.find(std::string(name));
  return it == profiles.end() ? nullptr : &it->second;
}

std::optional<std::string> SharedConfig::get(std::string_view profile_name, std::string_view property) const {
  const PropertyMap* properties = profile(profile_name);
  if (properties == nullptr) return std::nullopt;
  // Names are stored lower-case, so "AWS_Region" finds "aws_region" as in the SDKs.
  auto it = properties->find(util::to_lower(property));
  if (it == properties->end()) return std::nullopt;
  return it->second;
}

PropertyMap sub_properties(std::string_view raw_value) {
  PropertyMap out;
  while (!raw_value.empty()) {
    const auto end = raw_value.find('\n');
    const std::string_view line = raw_value.substr(0, end);
    raw_value = end == std::string_view::npos ? std::string_view{} : raw_value.substr(end + 1);
    const auto equals = line.find('=');
    // The parser has already refused such lines; a value built elsewhere may still have them.
    if (equals == std::string_view::npos) continue;
    out[std::string(trim_blanks(line.substr(0, equals)))] = std::string(trim_blanks(line.substr(equals + 1)));
  }
  return out;
}

std::optional<std::string> home_directory(const util::Environment& env, PathStyle style) {
  if (auto home = env.get_nonempty("HOME")) return home;
  if (style == PathStyle::posix) return std::nullopt;
  if (auto profile = env.get_nonempty("USERPROFILE")) return profile;
  auto drive = env.get_nonempty("HOMEDRIVE");
  auto path = env.get_nonempty("HOMEPATH");
  if (drive && path) return *drive + *path;
  return std::nullopt;
}

ConfigLocations config_locations(const util::Environment& env, PathStyle style) {
  return {file_location(env, "AWS_CONFIG_FILE", "~/.aws/config", style),
          file_location(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", style)};
}

ConfigLocations config_locations(const util::Environment& env) { return config_locations(env, PathStyle::posix); }

Result<SharedConfig> load_shared_config(const util::FileSystem& fs, const util::Environment& env) {
  const ConfigLocations locations = config_locations(env);
  auto config = read_or_empty(fs, locations.config);
  if (!config) return std::unexpected(config.error());
  auto credentials = read_or_empty(fs, locations.credentials);
  if (!credentials) return std::unexpected(credentials.error());
  return parse_shared_config({std::move(*config), locations.config.string()},
                             {std::move(*credentials), locations.credentials.string()});
}

std::string selected_profile(const util::Environment& env) {
  return env.get_nonempty("AWS_PROFILE").value_or("default");
}

}  // namespace stsh::aws

#pragma once
// ~/.aws/config and ~/.aws/credentials, parsed exactly as the AWS SDKs do
// (../shared/aws-sdk-spec-tests/profile-parser-tests.json and
// file-location-tests.json are the reference).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/environment.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::aws {

// Property name -> value. A property with sub-properties keeps its raw
// value as the SDK tests show it ("\nname = value\nname2 = value2").
using PropertyMap = std::map<std::string, std::string>;

struct SharedConfig {
  std::map<std::string, PropertyMap> profiles;
  std::map<std::string, PropertyMap> sso_sessions;

  const PropertyMap* profile(std::string_view name) const;
  // A property of a profile; std::nullopt when the profile or property is absent.
  std::optional<std::string> get(std::string_view profile, std::string_view property) const;
};

struct ConfigText {
  std::string text;
  std::string source;  // file path, for error messages
};

// Parses both files and merges them (credentials win on conflicts).
// A syntax error names the file and the line.
Result<SharedConfig> parse_shared_config(const ConfigText& config, const ConfigText& credentials);

// Sub-properties of a property's raw value ("\ns3 = x" -> {"s3": "x"}).
PropertyMap sub_properties(std::string_view raw_value);

struct ConfigLocations {
  util::Path config;       // AWS_CONFIG_FILE, default ~/.aws/config
  util::Path credentials;  // AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials
};

// Resolves both paths, expanding a leading ~ with the user's home as the
// SDKs do on Linux (HOME first).
ConfigLocations config_locations(const util::Environment& env);

// Whose rules find the home directory and join paths: the SDKs' Windows
// rules are kept so the shared file-location cases for Windows run here too.
enum class PathStyle { posix, windows };

// The user's home: HOME; on Windows then USERPROFILE, then HOMEDRIVE+HOMEPATH.
std::optional<std::string> home_directory(const util::Environment& env, PathStyle style);

ConfigLocations config_locations(const util::Environment& env, PathStyle style);

// Reads and parses both files; a missing file counts as empty.
Result<SharedConfig> load_shared_config(const util::FileSystem& fs, const util::Environment& env);

// AWS_PROFILE, else "default".
std::string selected_profile(const util::Environment& env);

}  // namespace stsh::aws

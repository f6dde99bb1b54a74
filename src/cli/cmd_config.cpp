// stsh config dump [--json]: every profile and sso-session exactly as
// parsed from ~/.aws/config and ~/.aws/credentials (merged, credentials
// winning), so a user can see what the SDKs see. Secrets are never printed.

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "aws/shared_config.h"
#include "cli/command_table.h"
#include "cli/seed_support.h"
#include "util/strings.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"json", util::ArgKind::flag, "print JSON: {\"profiles\": {...}, \"sso_sessions\": {...}}"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

constexpr std::string_view k_usage = "stsh config dump [--json]";
constexpr std::string_view k_redacted = "<redacted>";
// aws_security_token is the older name for the session token that botocore still reads.
constexpr std::array<std::string_view, 3> k_secret_names = {"aws_secret_access_key", "aws_session_token",
                                                            "aws_security_token"};

bool is_secret(std::string_view name) {
  const std::string lower = util::to_lower(util::trim(name));
  for (std::string_view secret : k_secret_names) {
    if (lower == secret) return true;
  }
  return false;
}

// The value as parsed, with a secret replaced by <redacted>: the whole
// value for a secret property, and any "secret = ..." line inside a
// multi-line value (a secret written as a sub-property).
std::string shown_value(std::string_view name, std::string_view value) {
  if (is_secret(name)) return std::string(k_redacted);
  std::string out;
  bool first = true;
  while (true) {
    const auto end = value.find('\n');
    const std::string_view line = value.substr(0, end);
    if (!first) out += '\n';
    const auto equals = line.find('=');
    if (!first && equals != std::string_view::npos && is_secret(line.substr(0, equals))) {
      out += std::string(util::trim(line.substr(0, equals))) + " = " + std::string(k_redacted);
    } else {
      out += line;
    }
    first = false;
    if (end == std::string_view::npos) break;
    value.remove_prefix(end + 1);
  }
  return out;
}

// "key = value", later lines of a continued value or sub-properties
// indented so the text parses back to the same value.
void write_property(std::string& out, const std::string& name, const std::string& raw_value) {
  const std::string value = shown_value(name, raw_value);
  std::string_view rest = value;
  const auto end = rest.find('\n');
  const std::string_view first = rest.substr(0, end);
  out += name + (first.empty() ? " =" : " = " + std::string(first)) + "\n";
  if (end == std::string_view::npos) return;
  rest.remove_prefix(end + 1);
  while (true) {
    const auto next = rest.find('\n');
    out += "  " + std::string(rest.substr(0, next)) + "\n";
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
}

void write_section(std::string& out, const std::string& header, const aws::PropertyMap& properties) {
  if (!out.empty()) out += "\n";
  out += "[" + header + "]\n";
  for (const auto& [name, value] : properties) write_property(out, name, value);
}

std::string render_text(const aws::SharedConfig& config) {
  std::string out;
  for (const auto& [name, properties] : config.profiles) {
    write_section(out, name == "default" ? name : "profile " + name, properties);
  }
  for (const auto& [name, properties] : config.sso_sessions) write_section(out, "sso-session " + name, properties);
  return out;
}

nlohmann::json sections_json(const std::map<std::string, aws::PropertyMap>& sections) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, properties] : sections) {
    nlohmann::json section = nlohmann::json::object();
    for (const auto& [key, value] : properties) section[key] = shown_value(key, value);
    out[name] = std::move(section);
  }
  return out;
}

std::string render_json(const aws::SharedConfig& config) {
  const nlohmann::json out = {{"profiles", sections_json(config.profiles)},
                              {"sso_sessions", sections_json(config.sso_sessions)}};
  // The files are not guaranteed to be UTF-8; a stray byte must not abort the dump.
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

int run_config(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh config");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, k_usage, k_specs);
  const auto& words = parsed->positionals();
  if (words.empty()) return report(ctx, Error{ErrorKind::usage, "stsh config needs a subcommand: dump"});
  if (words[0] != "dump") {
    return report(ctx, Error{ErrorKind::usage, "unknown subcommand '" + words[0] +
                                                   "' for 'stsh config'; see "
                                                   "'stsh config --help'"});
  }
  if (words.size() > 1) return report(ctx, Error{ErrorKind::usage, "stsh config dump takes no arguments"});

  auto config = aws::load_shared_config(ctx.fs, ctx.env);
  if (!config) return report(ctx, config.error());
  if (config->profiles.empty() && config->sso_sessions.empty()) {
    // Said on stderr so stdout stays exactly the (empty) dump.
    const aws::ConfigLocations locations = aws::config_locations(ctx.env);
    ctx.err << "No profiles in " << locations.config.string() << " or " << locations.credentials.string() << "\n";
  }
  ctx.out << (parsed->has("json") ? render_json(*config) : render_text(*config));
  return 0;
}

}  // namespace stsh::cli

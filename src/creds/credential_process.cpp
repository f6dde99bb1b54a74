#include "creds/credential_process.h"

#include <nlohmann/json.hpp>

#include "util/secret_json.h"
#include "util/subprocess.h"
#include "util/time_format.h"

namespace stsh::creds {

std::string credential_process_json(const aws::Credentials& c) {
  nlohmann::ordered_json doc;
  doc["Version"] = 1;
  doc["AccessKeyId"] = c.access_key_id;
  doc["SecretAccessKey"] = std::string(c.secret_access_key.reveal());
  if (c.is_session()) doc["SessionToken"] = std::string(c.session_token.reveal());
  if (c.expiration) doc["Expiration"] = util::format_iso8601(*c.expiration);
  std::string out = doc.dump() + "\n";
  util::wipe_json_strings(doc);
  return out;
}

Result<aws::Credentials> parse_credential_process_json(std::string_view text, std::string_view profile) {
  auto problem = [&](std::string what) {
    return fail(ErrorKind::config, "credential_process of profile " + std::string(profile) + " " + what);
  };
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return problem("did not print a JSON object");
  aws::Credentials c;
  auto string_field = [&](const char* name) -> std::optional<std::string> {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (!doc.contains("Version") || doc["Version"] != 1) return problem("printed no \"Version\": 1");
  auto id = string_field("AccessKeyId");
  auto secret = string_field("SecretAccessKey");
  if (!id || !secret || id->empty() || secret->empty()) return problem("printed no AccessKeyId/SecretAccessKey");
  c.access_key_id = std::move(*id);
  c.secret_access_key = util::Secret(std::move(*secret));
  if (auto token = string_field("SessionToken")) c.session_token = util::Secret(std::move(*token));
  if (auto expiration = string_field("Expiration")) {
    c.expiration = util::parse_iso8601(*expiration);
    if (!c.expiration) return problem("printed an Expiration that is not ISO 8601: " + *expiration);
  }
  util::wipe_json_strings(doc);
  return c;
}

Result<aws::Credentials> run_credential_process(std::string_view command, std::string_view profile) {
  auto output = util::run_filter("/bin/sh", {"-c", std::string(command)}, "", 1 << 16);
  if (!output) {
    return fail(ErrorKind::config,
                "credential_process of profile " + std::string(profile) + " failed (" + output.error().message + ")");
  }
  auto credentials = parse_credential_process_json(*output, profile);
  util::wipe(*output);
  return credentials;
}

}  // namespace stsh::creds

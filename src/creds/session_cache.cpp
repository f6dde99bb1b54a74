#include "creds/session_cache.h"

#include <nlohmann/json.hpp>

#include "util/secret_json.h"
#include "util/strings.h"
#include "util/time_format.h"

namespace stsh::creds {

bool is_fresh(const aws::Credentials& session, util::TimePoint now) {
  return session.expiration && *session.expiration - k_expiry_margin > now;
}

util::Path SessionCache::entry_path(std::string_view account) const {
  return m_dir / (".cache." + util::to_lower(account) + ".json");
}

std::string SessionCache::serialize(const aws::Credentials& session, std::string_view key) {
  // Built by hand rather than through a json object so that no unwiped
  // copy of the secret is left behind in the library's allocations.
  nlohmann::json escaper;
  auto quoted = [&](std::string_view value) {
    escaper = std::string(value);
    std::string out = escaper.dump();
    escaper = nullptr;
    return out;
  };
  std::string out = "{\n";
  out += "  \"Version\": 1,\n";
  if (!key.empty()) out += "  \"Key\": " + quoted(key) + ",\n";
  out += "  \"AccessKeyId\": " + quoted(session.access_key_id) + ",\n";
  out += "  \"SecretAccessKey\": " + quoted(session.secret_access_key.reveal()) + ",\n";
  out += "  \"SessionToken\": " + quoted(session.session_token.reveal()) + ",\n";
  out += "  \"Expiration\": " + quoted(session.expiration ? util::format_iso8601(*session.expiration) : "") + "\n";
  out += "}\n";
  return out;
}

Result<aws::Credentials> SessionCache::deserialize(std::string_view text, std::string* key) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorKind::io, "not valid JSON");
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = json.find(name);
    if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
    return it->get<std::string>();
  };
  auto id = field("AccessKeyId");
  auto secret = field("SecretAccessKey");
  auto token = field("SessionToken");
  auto expiration_text = field("Expiration");
  if (!id || !secret || !token || !expiration_text) return fail(ErrorKind::io, "a field is missing");
  if (key != nullptr) *key = field("Key").value_or("");
  auto expiration = util::parse_iso8601(*expiration_text);
  if (!expiration) return fail(ErrorKind::io, "Expiration '" + *expiration_text + "' is not an ISO 8601 time");
  aws::Credentials session;
  session.access_key_id = std::move(*id);
  session.secret_access_key = util::Secret(std::move(*secret));
  session.session_token = util::Secret(std::move(*token));
  session.expiration = expiration;
  util::wipe_json_strings(json);
  return session;
}

CacheLookup SessionCache::lookup(std::string_view account, util::TimePoint now) const {
  util::Path path = entry_path(account);
  auto text = m_fs.read_private_file(path);
  if (!text) return {CacheState::corrupt, std::nullopt, text.error().message + "; ignoring it"};
  if (!*text) return {CacheState::absent, std::nullopt, ""};
  auto session = deserialize(**text);
  util::wipe(**text);
  if (!session)
    return {CacheState::corrupt, std::nullopt,
            path.string() + " is corrupt (" + session.error().message + "); ignoring it, ec2mfa replaces it"};
  if (!is_fresh(*session, now)) return {CacheState::expired, std::nullopt, ""};
  return {CacheState::valid, std::move(*session), ""};
}

Result<void> SessionCache::store(std::string_view account, const aws::Credentials& session) {
  std::string text = serialize(session);
  auto written = m_fs.write_private_file(entry_path(account), text);
  util::wipe(text);
  return written;
}

Result<void> SessionCache::remove(std::string_view account) { return m_fs.remove_file(entry_path(account)); }

}  // namespace stsh::creds

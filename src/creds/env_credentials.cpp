#include "creds/env_credentials.h"

namespace stsh::creds {

std::optional<aws::Credentials> credentials_from_env(const util::Environment& env) {
  auto id = env.get_nonempty("AWS_ACCESS_KEY_ID");
  auto secret = env.get_nonempty("AWS_SECRET_ACCESS_KEY");
  if (!id || !secret) {
    id = env.get_nonempty("AWS_ACCESS_KEY");
    secret = env.get_nonempty("AWS_SECRET_KEY");
  }
  if (!id || !secret) return std::nullopt;
  aws::Credentials creds;
  creds.access_key_id = std::move(*id);
  creds.secret_access_key = util::Secret(std::move(*secret));
  auto token = env.get_nonempty("AWS_SESSION_TOKEN");
  if (!token) token = env.get_nonempty("AWS_SECURITY_TOKEN");
  if (token) creds.session_token = util::Secret(std::move(*token));
  return creds;
}

std::string unix_user(const util::Environment& env) {
  if (auto user = env.get_nonempty("USER")) return *user;
  return env.get_nonempty("LOGNAME").value_or("");
}

}  // namespace stsh::creds

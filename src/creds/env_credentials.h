#pragma once
// Credentials and identity taken from the process environment.

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "util/environment.h"

namespace stsh::creds {

// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or the ec2 tools' AWS_ACCESS_KEY/
// AWS_SECRET_KEY), with AWS_SESSION_TOKEN or AWS_SECURITY_TOKEN.
std::optional<aws::Credentials> credentials_from_env(const util::Environment& env);

// The unix user name: USER, then LOGNAME; "" when neither is set.
std::string unix_user(const util::Environment& env);

}  // namespace stsh::creds

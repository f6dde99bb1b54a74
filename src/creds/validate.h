#pragma once
// Checks on user input, made before any call to AWS so that a typo costs
// neither a network round trip nor an MFA code.

#include <string>
#include <string_view>

#include "util/error.h"

namespace stsh::creds {

inline constexpr int k_session_token_min_seconds = 900;
inline constexpr int k_session_token_max_seconds = 129600;
inline constexpr int k_assume_role_min_seconds = 900;
inline constexpr int k_assume_role_max_seconds = 43200;
inline constexpr int k_default_mfa_seconds = 12 * 3600;
inline constexpr int k_default_role_seconds = 3600;

Result<void> validate_mfa_code(std::string_view code);
// Parses a whole number of seconds and checks it lies in [min, max].
Result<int> parse_duration(std::string_view text, int min, int max, std::string_view what);
Result<void> validate_session_name(std::string_view name);
// A valid RoleSessionName derived from the user's name, e.g. "stsh-jbrowne".
std::string default_session_name(std::string_view user);

}  // namespace stsh::creds

#pragma once
// Parses STS Query API responses and errors (XML).

#include <string_view>

#include "aws/credentials.h"
#include "aws/sts_client.h"
#include "util/error.h"

namespace stsh::aws {

// The <Credentials> element of GetSessionTokenResponse/AssumeRoleResponse.
Result<Credentials> parse_credentials_response(std::string_view xml);
Result<CallerIdentity> parse_caller_identity_response(std::string_view xml);

struct StsError {
  std::string code;  // e.g. "AccessDenied"; empty when the body had none
  std::string message;
};

// Finds Error at ErrorResponse/Error or ErrorResponse/Errors/Error (or a bare Error).
std::optional<StsError> parse_error_response(std::string_view xml);

}  // namespace stsh::aws

#pragma once
// The AWS CLI's credential_process JSON, both ways: stsh prints it for
// `export --format credential-process`, and reads it from a profile's own
// credential_process command.

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "util/error.h"
#include "util/file_system.h"

namespace stsh::creds {

// {"Version": 1, "AccessKeyId", "SecretAccessKey"[, "SessionToken", "Expiration"]}
std::string credential_process_json(const aws::Credentials& credentials);
Result<aws::Credentials> parse_credential_process_json(std::string_view text, std::string_view profile);

// Runs `command` with /bin/sh -c (stderr and the terminal stay the user's)
// and parses what it prints.
Result<aws::Credentials> run_credential_process(std::string_view command, std::string_view profile);

}  // namespace stsh::creds

#pragma once
// The messages between stsh and its network helper (stsh-net): one JSON
// request on the helper's stdin, one JSON response on its stdout. Pipes,
// never argv, so secrets stay out of the process list.

#include <string>
#include <variant>

#include "aws/sts_client.h"

namespace stsh::aws {

struct WireRequest {
  std::string region;
  Credentials caller;
  // Which call, with its parameters; std::monostate is GetCallerIdentity.
  std::variant<std::monostate, GetSessionTokenParams, AssumeRoleParams> call;
};

std::string encode_request(const WireRequest& request);
Result<WireRequest> decode_request(std::string_view text);

// Runs the request against `service` and encodes the outcome, errors included.
std::string serve_request(StsService& service, const WireRequest& request);
// An error that happened before any call (bad request, endpoint, loading libraries).
std::string encode_error(const Error& error);

Result<Credentials> decode_credentials_response(std::string_view text);
Result<CallerIdentity> decode_identity_response(std::string_view text);

}  // namespace stsh::aws

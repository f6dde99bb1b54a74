#pragma once
// AWS Signature Version 4 (header variant).

#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/crypto.h"
#include "aws/http.h"
#include "util/clock.h"

namespace stsh::aws {

// What is signed. `path` and `query` are as they appear on the request line
// (query without the '?'); headers as sent (names in any case, values untrimmed).
struct SigningInput {
  std::string method;
  std::string path;
  std::string query;
  Headers headers;
  std::string body;
};

struct SigningScope {
  std::string region;
  std::string service;
  util::TimePoint time;
};

// What STS never needs but the AWS test suite exercises; STS uses the defaults.
struct SigningOptions {
  bool normalize_path = true;       // false: S3 style, keeps "." / ".." / "//" (still encodes)
  bool sign_body = false;           // adds and signs x-amz-content-sha256
  bool omit_session_token = false;  // the token header is sent but left unsigned
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lowercase hex
  std::string authorization;  // the Authorization header's value
};

// Computes every intermediate step, so tests can compare each byte for byte.
// X-Amz-Date (and X-Amz-Security-Token, x-amz-content-sha256 when they
// apply) are signed as though present, unless `input.headers` has them.
Signature sign(const Crypto& crypto, const SigningInput& input, const Credentials& credentials,
               const SigningScope& scope);
Signature sign(const Crypto& crypto, const SigningInput& input, const Credentials& credentials,
               const SigningScope& scope, const SigningOptions& options);

// Adds X-Amz-Date, X-Amz-Security-Token (for sessions) and Authorization to
// `request` (whose url must be absolute) and returns nothing; the Host header
// is added too when absent.
void sign_request(const Crypto& crypto, HttpRequest& request, const Credentials& credentials,
                  const SigningScope& scope);
void sign_request(const Crypto& crypto, HttpRequest& request, const Credentials& credentials, const SigningScope& scope,
                  const SigningOptions& options);

// "20150830T123600Z"
std::string amz_date(util::TimePoint t);

}  // namespace stsh::aws

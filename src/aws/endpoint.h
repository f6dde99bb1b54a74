#pragma once
// Where STS calls go: region resolution, the regional endpoint with its
// partition's DNS suffix, and the AWS SDKs' endpoint override variables.

#include <optional>
#include <string>

#include "util/environment.h"
#include "util/error.h"

namespace stsh::aws {

// --region > AWS_REGION > AWS_DEFAULT_REGION > us-east-1
std::string resolve_region(const std::optional<std::string>& flag, const util::Environment& env);

struct Endpoint {
  std::string url;   // scheme://host[:port][/path], no trailing slash
  std::string host;  // host[:port] as used in the Host header
  std::string path;  // "/" or the override's path
};

// AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, else https://sts.REGION.<suffix>.
// A plain http:// endpoint is refused unless its host is a loopback address.
Result<Endpoint> resolve_sts_endpoint(const std::string& region, const util::Environment& env);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace stsh::aws

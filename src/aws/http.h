#pragma once
// HTTP transport behind an interface: libcurl in production, fakes in tests.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace stsh::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds total_timeout{20000};
  std::string ca_bundle;  // AWS_CA_BUNDLE; empty means the system store
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (DNS, refused, timeout, TLS) is ErrorKind::network;
  // any HTTP status, even 500, is a response.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// libcurl, loaded with dlopen on first use.
Result<std::unique_ptr<HttpClient>> make_curl_http_client(const HttpOptions& options);

}  // namespace stsh::aws

// libcurl is loaded with dlopen: <curl/curl.h> supplies declarations only,
// and the binary never links against it.
#define CURL_DISABLE_DEPRECATION 1
#include <curl/curl.h>

#include <memory>
#include <optional>
#include <type_traits>

#include "aws/http.h"
#include "util/dynlib.h"
#include "util/secret.h"

namespace stsh::aws {

namespace {

// STS answers are a few KiB; anything far larger is not STS.
constexpr std::size_t k_max_response_bytes = 1024 * 1024;
constexpr const char* k_out_of_memory = "libcurl ran out of memory building request headers";

struct CurlApi {
  util::DynamicLibrary library;
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

Result<CurlApi> load_curl_api() {
  auto lib = util::DynamicLibrary::open({"libcurl.so.4", "libcurl.so"}, "libcurl (needed to reach AWS STS)");
  if (!lib) return std::unexpected(lib.error());
  CurlApi api{std::move(*lib)};
  std::optional<Error> missing;
  auto resolve = [&](auto& fn, const char* name) { api.library.bind(fn, name, missing); };
  resolve(api.global_init, "curl_global_init");
  resolve(api.easy_init, "curl_easy_init");
  resolve(api.easy_setopt, "curl_easy_setopt");
  resolve(api.easy_perform, "curl_easy_perform");
  resolve(api.easy_getinfo, "curl_easy_getinfo");
  resolve(api.easy_cleanup, "curl_easy_cleanup");
  resolve(api.easy_strerror, "curl_easy_strerror");
  resolve(api.slist_append, "curl_slist_append");
  resolve(api.slist_free_all, "curl_slist_free_all");
  if (missing) return std::unexpected(*missing);
  if (CURLcode rc = api.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return fail(ErrorKind::internal, std::string("libcurl failed to initialise: ") + api.easy_strerror(rc));
  }
  return api;
}

// Loaded once per process: curl_global_init must not run twice concurrently.
Result<const CurlApi*> curl_api() {
  static const Result<CurlApi> api = load_curl_api();
  if (!api) return std::unexpected(api.error());
  return &*api;
}

struct ResponseSink {
  std::string body;
  bool too_large = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  size_t n = size * count;
  if (sink->body.size() + n > k_max_response_bytes) {
    sink->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

// The host (and port) of an absolute URL, for messages: never the path or query.
std::string url_host(std::string_view url) {
  std::size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  std::size_t end = url.find_first_of("/?#", start);
  return std::string(url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

// Owns a curl_slist of header lines.
class HeaderList {
 public:
  explicit HeaderList(const CurlApi& api) : m_api(api) {}
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { m_api.slist_free_all(m_head); }

  bool append(const std::string& line) {
    curl_slist* appended = m_api.slist_append(m_head, line.c_str());
    if (appended == nullptr) return false;
    m_head = appended;
    return true;
  }
  curl_slist* get() const { return m_head; }

 private:
  const CurlApi& m_api;
  curl_slist* m_head = nullptr;
};

bool is_tls_error(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
         rc == CURLE_SSL_CERTPROBLEM;
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(const CurlApi& api, HttpOptions options) : m_api(api), m_options(std::move(options)) {}

  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  const CurlApi& m_api;
  HttpOptions m_options;
};

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  const CurlApi& api = m_api;
  // Everything the handle points at is declared first, so it outlives curl_easy_cleanup.
  ResponseSink sink;
  char error_buffer[CURL_ERROR_SIZE] = {};
  HeaderList headers(api);
  for (const auto& [name, value] : request.headers) {
    // curl keeps its own copy; ours may hold a session token, so it is wiped at once.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    bool added = headers.append(line);
    util::wipe(line);
    if (!added) return fail(ErrorKind::internal, k_out_of_memory);
  }
  // Stops curl from waiting for a 100-continue before sending the body.
  if (!headers.append("Expect:")) return fail(ErrorKind::internal, k_out_of_memory);

  std::unique_ptr<CURL, decltype(api.easy_cleanup)> easy(api.easy_init(), api.easy_cleanup);
  if (!easy) return fail(ErrorKind::internal, "libcurl could not create a request handle");
  CURL* h = easy.get();
  const long connect_ms = static_cast<long>(m_options.connect_timeout.count());
  const long total_ms = static_cast<long>(m_options.total_timeout.count());

  api.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(h, CURLOPT_USERAGENT, "stsh/" STSH_VERSION);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  api.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(k_max_response_bytes));
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  // PROTOCOLS_STR needs curl 7.85; older libraries only know the bitmask.
  if (api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
    api.easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  }
  if (!m_options.ca_bundle.empty()) api.easy_setopt(h, CURLOPT_CAINFO, m_options.ca_bundle.c_str());
  if (request.method == "GET") {
    api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    api.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const std::string host = url_host(request.url);
  CURLcode rc = api.easy_perform(h);
  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return fail(ErrorKind::aws, "unexpected response from STS: " + host + " sent more than " +
                                    std::to_string(k_max_response_bytes / 1024) +
                                    " KiB; check that AWS_ENDPOINT_URL_STS, if set, points at STS");
  }
  if (rc != CURLE_OK) {
    std::string reason = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(rc);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    const char* advice = is_tls_error(rc)
                             ? "; check AWS_CA_BUNDLE if you use a private CA, or AWS_ENDPOINT_URL_STS if set"
                             : "; check your network connection and proxy, or AWS_ENDPOINT_URL_STS if set";
    return fail(ErrorKind::network, "cannot reach STS at " + host + ": " + reason + advice);
  }
  HttpResponse response;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(sink.body);
  return response;
}

}  // namespace

Result<std::unique_ptr<HttpClient>> make_curl_http_client(const HttpOptions& options) {
  auto api = curl_api();
  if (!api) return std::unexpected(api.error());
  return std::make_unique<CurlHttpClient>(**api, options);
}

}  // namespace stsh::aws

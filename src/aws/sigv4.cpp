#include "aws/sigv4.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "util/secret.h"

namespace stsh::aws {
namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view k_date_header = "x-amz-date";
constexpr std::string_view k_token_header = "x-amz-security-token";
constexpr std::string_view k_content_sha256_header = "x-amz-content-sha256";

// Proxies and HTTP stacks add or rewrite these after signing, and the
// Authorization header cannot sign itself; the AWS SDKs leave them out too.
constexpr std::array<std::string_view, 6> k_unsigned_headers = {"authorization",     "connection", "expect",
                                                                "transfer-encoding", "user-agent", "x-amzn-trace-id"};

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); });
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

void remove_header(Headers& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 encoding as SigV4 defines it: everything but unreserved bytes,
// uppercase hex.
void append_uri_encoded(std::string& out, std::string_view s) {
  static constexpr char k_hex_digits[] = "0123456789ABCDEF";
  for (char c : s) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex_digits[byte >> 4];
      out += k_hex_digits[byte & 0x0f];
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A malformed escape stays literal, so it is signed as "%25..." like any '%'.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Each segment is URI-encoded once more, so a path already encoded in a URL
// ends up double-encoded, as every service but S3 expects. `normalize` (again
// not S3) drops empty and "." segments and resolves ".." (RFC 3986).
std::string canonical_uri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }

  std::string out;
  if (!normalize) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (i > 0) out += '/';
      append_uri_encoded(out, segments[i]);
    }
    return out;
  }

  std::vector<std::string_view> kept;
  for (std::string_view segment : segments) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  // "/a/" and "/a/b/.." name a directory; the trailing slash is significant.
  const std::string_view last = segments.back();
  const bool directory = last.empty() || last == "." || last == "..";
  for (std::string_view segment : kept) {
    out += '/';
    append_uri_encoded(out, segment);
  }
  if (out.empty() || directory) out += '/';
  return out;
}

// Decoding first lets raw ("ሴ") and encoded ("%E1%88%B4") parameters sign
// alike.
std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(start, amp - start);
    start = amp + 1;
    if (param.empty()) continue;
    const std::size_t eq = param.find('=');
    std::string key;
    std::string value;
    append_uri_encoded(key, percent_decode(param.substr(0, eq)));
    if (eq != std::string_view::npos) append_uri_encoded(value, percent_decode(param.substr(eq + 1)));
    params.emplace_back(std::move(key), std::move(value));
  }
  std::sort(params.begin(), params.end());

  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims and folds each whitespace run to one space; that also unfolds
// obsolete multi-line values.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines
  std::string signed_names;  // "name;name"
};

CanonicalHeaders canonical_headers(const Headers& headers, const SigningOptions& options) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& [name, value] : headers) {
    std::string lower = lowercase(name);
    if (std::find(k_unsigned_headers.begin(), k_unsigned_headers.end(), lower) != k_unsigned_headers.end()) continue;
    if (options.omit_session_token && lower == k_token_header) continue;
    entries.emplace_back(std::move(lower), canonical_header_value(value));
  }
  // Stable: repeated names keep their values in the order sent.
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  CanonicalHeaders out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool repeat = i > 0 && entries[i].first == entries[i - 1].first;
    if (repeat) {
      out.block.back() = ',';
    } else {
      if (!out.signed_names.empty()) out.signed_names += ';';
      out.signed_names += entries[i].first;
      out.block += entries[i].first;
      out.block += ':';
    }
    out.block += entries[i].second;
    out.block += '\n';
  }
  return out;
}

// Appends the headers the signer owns, in the order the AWS test suite
// sends them, unless the caller already set them.
void add_signer_headers(Headers& headers, const Credentials& credentials, const SigningScope& scope,
                        std::string_view payload_hash, const SigningOptions& options) {
  if (credentials.is_session() && !has_header(headers, k_token_header)) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  }
  if (!has_header(headers, k_date_header)) headers.emplace_back("X-Amz-Date", amz_date(scope.time));
  if (options.sign_body && !has_header(headers, k_content_sha256_header)) {
    headers.emplace_back(k_content_sha256_header, payload_hash);
  }
}

void wipe_session_token(Headers& headers) {
  for (auto& [name, value] : headers) {
    if (iequals(name, k_token_header)) util::wipe(value);
  }
}

std::string derive_signature(const Crypto& crypto, const Credentials& credentials, std::string_view date,
                             const SigningScope& scope, std::string_view string_to_sign) {
  std::string secret = "AWS4";
  secret += credentials.secret_access_key.reveal();
  Digest key = crypto.hmac_sha256(secret, date);
  util::wipe(secret);
  for (std::string_view part :
       {std::string_view(scope.region), std::string_view(scope.service), std::string_view("aws4_request")}) {
    key = crypto.hmac_sha256({reinterpret_cast<const char*>(key.data()), key.size()}, part);
  }
  const Digest signature = crypto.hmac_sha256({reinterpret_cast<const char*>(key.data()), key.size()}, string_to_sign);
  util::wipe(key.data(), key.size());
  return hex_encode(signature);
}

struct UrlParts {
  std::string host;  // host[:port], default port left out
  std::string path;
  std::string query;
};

// Enough of RFC 3986 for endpoint URLs: scheme://[user@]host[:port][/path][?query][#fragment].
// Without "://" the whole string is taken as path and query, and no Host is
// known; the endpoint then rejects the signature rather than stsh guessing.
UrlParts parse_url(std::string_view url) {
  UrlParts out;
  std::string_view rest = url;
  if (const std::size_t fragment = rest.find('#'); fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  if (const std::size_t sep = rest.find("://"); sep != std::string_view::npos) {
    const std::string scheme = lowercase(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
    const std::size_t authority_end = std::min(rest.find('/'), rest.find('?'));
    std::string_view authority = rest.substr(0, authority_end);
    rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);

    // The port follows the last ':' unless that ':' is inside an IPv6 "[...]".
    const std::size_t colon = authority.rfind(':');
    const std::size_t bracket = authority.rfind(']');
    std::string_view host = authority;
    std::string_view port;
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    const bool default_port =
        port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
    out.host = std::string(host);
    if (!default_port) out.host += ":" + std::string(port);
  }
  const std::size_t question = rest.find('?');
  out.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(rest.substr(question + 1));
  if (out.path.empty()) out.path = "/";
  return out;
}

}  // namespace

std::string amz_date(util::TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer.data();
}

Signature sign(const Crypto& crypto, const SigningInput& input, const Credentials& credentials,
               const SigningScope& scope) {
  return sign(crypto, input, credentials, scope, SigningOptions{});
}

Signature sign(const Crypto& crypto, const SigningInput& input, const Credentials& credentials,
               const SigningScope& scope, const SigningOptions& options) {
  const std::string payload_hash = hex_encode(crypto.sha256(input.body));
  Headers headers = input.headers;
  add_signer_headers(headers, credentials, scope, payload_hash, options);
  CanonicalHeaders canonical = canonical_headers(headers, options);

  Signature out;
  out.canonical_request = input.method + '\n' + canonical_uri(input.path, options.normalize_path) + '\n' +
                          canonical_query(input.query) + '\n' + canonical.block + '\n' + canonical.signed_names + '\n' +
                          payload_hash;

  const std::string date_time = amz_date(scope.time);
  const std::string date = date_time.substr(0, 8);
  const std::string credential_scope = date + '/' + scope.region + '/' + scope.service + "/aws4_request";
  out.string_to_sign = std::string(k_algorithm) + '\n' + date_time + '\n' + credential_scope + '\n' +
                       hex_encode(crypto.sha256(out.canonical_request));

  out.signature = derive_signature(crypto, credentials, date, scope, out.string_to_sign);
  out.authorization = std::string(k_algorithm) + " Credential=" + credentials.access_key_id + '/' + credential_scope +
                      ", SignedHeaders=" + canonical.signed_names + ", Signature=" + out.signature;

  // The working copies hold the session token; only the returned canonical
  // request (which tests need) keeps it.
  wipe_session_token(headers);
  util::wipe(canonical.block);
  return out;
}

void sign_request(const Crypto& crypto, HttpRequest& request, const Credentials& credentials,
                  const SigningScope& scope) {
  sign_request(crypto, request, credentials, scope, SigningOptions{});
}

void sign_request(const Crypto& crypto, HttpRequest& request, const Credentials& credentials, const SigningScope& scope,
                  const SigningOptions& options) {
  UrlParts url = parse_url(request.url);
  if (!has_header(request.headers, "host") && !url.host.empty()) request.headers.emplace_back("Host", url.host);

  // A retry re-signs the same request; stale signer headers must not linger.
  wipe_session_token(request.headers);
  constexpr std::array<std::string_view, 4> k_signer_owned = {k_token_header, k_date_header, k_content_sha256_header,
                                                              "authorization"};
  for (std::string_view name : k_signer_owned) {
    remove_header(request.headers, name);
  }
  const std::string payload_hash = options.sign_body ? hex_encode(crypto.sha256(request.body)) : std::string();
  add_signer_headers(request.headers, credentials, scope, payload_hash, options);

  SigningInput input{request.method, std::move(url.path), std::move(url.query), request.headers, request.body};
  Signature signature = sign(crypto, input, credentials, scope, options);
  request.headers.emplace_back("Authorization", std::move(signature.authorization));
  // The copies made for signing hold the session token.
  wipe_session_token(input.headers);
  util::wipe(signature.canonical_request);
}

}  // namespace stsh::aws

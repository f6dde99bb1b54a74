#include "aws/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "util/strings.h"

namespace stsh::aws {

namespace {

constexpr std::string_view k_default_region = "us-east-1";

struct Partition {
  std::string_view region_prefix;
  std::string_view dns_suffix;
};

// From the SDKs' partitions.json; every other region (aws, aws-us-gov) uses amazonaws.com.
constexpr std::array k_partitions{
    Partition{"cn-", "amazonaws.com.cn"},
    Partition{"us-iso-", "c2s.ic.gov"},
    Partition{"us-isob-", "sc2s.sgov.gov"},
};
constexpr std::string_view k_default_dns_suffix = "amazonaws.com";

std::string_view dns_suffix(std::string_view region) {
  for (const auto& p : k_partitions) {
    if (region.starts_with(p.region_prefix)) return p.dns_suffix;
  }
  return k_default_dns_suffix;
}

// The region becomes part of a host name, so it must look like one.
bool is_valid_region(std::string_view region) {
  if (region.empty() || region.size() > 63 || region.front() == '-' || region.back() == '-') return false;
  return std::all_of(region.begin(), region.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// Strict dotted quad: "127.1" or "127.0.0.1.evil.com" are not loopback addresses.
bool is_ipv4_loopback(std::string_view host) {
  int parts = 0;
  std::size_t pos = 0;
  int first = -1;
  while (pos <= host.size()) {
    std::size_t end = host.find('.', pos);
    if (end == std::string_view::npos) end = host.size();
    std::string_view part = host.substr(pos, end - pos);
    if (!util::all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = std::stoi(std::string(part));
    if (value > 255) return false;
    if (parts == 0) first = value;
    ++parts;
    pos = end + 1;
  }
  return parts == 4 && first == 127;
}

bool is_ipv6_loopback(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() >= INET6_ADDRSTRLEN) return false;
  std::string text(host);
  in6_addr addr{};
  if (inet_pton(AF_INET6, text.c_str(), &addr) != 1) return false;
  return std::memcmp(&addr, &in6addr_loopback, sizeof addr) == 0;
}

bool is_reg_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool is_valid_port(std::string_view port) {
  if (!util::all_digits(port) || port.size() > 5) return false;
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

struct ParsedUrl {
  std::string scheme;     // lower case
  std::string hostname;   // without port; IPv6 keeps its brackets
  std::string authority;  // hostname[:port]
  std::string path;       // "" or "/..." without a trailing slash
};

// Parses scheme://host[:port][/path]; the reason on failure is a short phrase.
std::expected<ParsedUrl, std::string> parse_endpoint_url(std::string_view url) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return std::unexpected("it contains a space or control character");
    }
  }
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::unexpected("it has no scheme (expected https://host)");
  ParsedUrl out;
  out.scheme = util::to_lower(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http") return std::unexpected("its scheme is not http or https");

  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) return std::unexpected("it has a query or fragment");
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return std::unexpected("it contains user info");

  std::string_view hostname = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected("its IPv6 address has no closing ']'");
    hostname = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::unexpected("it has junk after the IPv6 address");
      port = after.substr(1);
      if (!is_valid_port(port)) return std::unexpected("its port is not a number from 1 to 65535");
    }
    std::string inner(hostname.substr(1, hostname.size() - 2));
    in6_addr addr{};
    if (inet_pton(AF_INET6, inner.c_str(), &addr) != 1) return std::unexpected("its IPv6 address is malformed");
  } else {
    std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      hostname = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (!is_valid_port(port)) return std::unexpected("its port is not a number from 1 to 65535");
    }
    if (hostname.empty()) return std::unexpected("it has no host");
    if (!std::all_of(hostname.begin(), hostname.end(), is_reg_name_char)) {
      return std::unexpected("its host has characters not allowed in a host name");
    }
  }

  while (path.ends_with('/')) path.remove_suffix(1);
  out.hostname = std::string(hostname);
  out.authority = std::string(authority);
  out.path = std::string(path);
  return out;
}

Result<Endpoint> endpoint_from_override(const std::string& url, std::string_view source) {
  auto parsed = parse_endpoint_url(url);
  if (!parsed) {
    // The URL is echoed only when it cannot carry a password.
    std::string shown = url.find('@') == std::string::npos ? " '" + url + "'" : std::string();
    return fail(ErrorKind::config, std::string(source) + shown + " is not a usable endpoint URL: " + parsed.error() +
                                       "; expected https://host[:port][/path]");
  }
  if (parsed->scheme == "http" && !is_loopback_host(parsed->hostname)) {
    return fail(ErrorKind::config, std::string(source) + " '" + url +
                                       "' is plain http: credentials and signatures would cross the network "
                                       "unencrypted; use an https:// URL (http is allowed only for loopback hosts)");
  }
  Endpoint e;
  e.url = parsed->scheme + "://" + parsed->authority + parsed->path;
  e.host = parsed->authority;
  e.path = parsed->path.empty() ? "/" : parsed->path;
  return e;
}

}  // namespace

std::string resolve_region(const std::optional<std::string>& flag, const util::Environment& env) {
  if (flag && !flag->empty()) return *flag;
  if (auto r = env.get_nonempty("AWS_REGION")) return *r;
  if (auto r = env.get_nonempty("AWS_DEFAULT_REGION")) return *r;
  return std::string(k_default_region);
}

Result<Endpoint> resolve_sts_endpoint(const std::string& region, const util::Environment& env) {
  auto ignore = env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!(ignore && util::to_lower(*ignore) == "true")) {
    for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
      if (auto url = env.get_nonempty(name)) return endpoint_from_override(*url, name);
    }
  }
  if (!is_valid_region(region)) {
    return fail(ErrorKind::usage, "invalid region '" + region + "': expected a name like us-east-1");
  }
  std::string host = "sts." + region + "." + std::string(dns_suffix(region));
  return Endpoint{"https://" + host, host, "/"};
}

bool is_loopback_host(std::string_view host) {
  return util::to_lower(host) == "localhost" || is_ipv4_loopback(host) || is_ipv6_loopback(host);
}

}  // namespace stsh::aws

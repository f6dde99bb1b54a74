#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace stsh::aws {
namespace {

namespace fs = std::filesystem;

const fs::path k_suite_dir = fs::path(STSH_SHARED_DIR) / "aws-sigv4-testsuite";
constexpr std::size_t k_suite_case_count = 38;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> suite_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(k_suite_dir, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "request.txt")) names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// "2015-08-30T12:36:00Z"; the suite uses no other form.
util::TimePoint parse_timestamp(const std::string& text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  EXPECT_EQ(std::sscanf(text.c_str(), "%d-%u-%uT%d:%d:%dZ", &year, &month, &day, &hour, &minute, &second), 6) << text;
  const std::chrono::sys_days date = std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day};
  return date + std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

// The request as the suite writes it: the target keeps raw spaces and UTF-8,
// headers keep their spacing, and a continuation line stays part of its value.
struct SuiteRequest {
  std::string method;
  std::string target;
  std::string path;
  std::string query;
  Headers headers;
  std::string body;
};

SuiteRequest parse_request(const std::string& text) {
  SuiteRequest out;
  std::size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= text.size()) return false;
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };

  std::string line;
  next_line(line);
  // The target may itself contain spaces ("/example space/").
  const std::size_t first_space = line.find(' ');
  const std::size_t last_space = line.rfind(' ');
  out.method = line.substr(0, first_space);
  out.target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::size_t question = out.target.find('?');
  out.path = out.target.substr(0, question);
  if (question != std::string::npos) out.query = out.target.substr(question + 1);

  while (next_line(line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !out.headers.empty()) {
      out.headers.back().second += "\n" + line;
      continue;
    }
    const std::size_t colon = line.find(':');
    out.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (pos < text.size()) out.body = text.substr(pos);
  return out;
}

std::string render_request(const std::string& method, const std::string& target, const Headers& headers,
                           const std::string& body) {
  std::string out = method + " " + target + " HTTP/1.1\n";
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out + "\n" + body;
}

std::string authorization_line(const std::string& signed_request) {
  constexpr std::string_view k_prefix = "\nAuthorization:";
  const std::size_t start = signed_request.find(k_prefix);
  if (start == std::string::npos) return {};
  const std::size_t end = signed_request.find('\n', start + 1);
  return signed_request.substr(start + k_prefix.size(), end - start - k_prefix.size());
}

struct SuiteContext {
  Credentials credentials;
  SigningScope scope;
  SigningOptions options;
};

SuiteContext parse_context(const std::string& text) {
  const auto json = nlohmann::json::parse(text);
  SuiteContext out;
  const auto& creds = json.at("credentials");
  out.credentials.access_key_id = creds.at("access_key_id").get<std::string>();
  out.credentials.secret_access_key = util::Secret(creds.at("secret_access_key").get<std::string>());
  if (creds.contains("token")) out.credentials.session_token = util::Secret(creds.at("token").get<std::string>());
  out.scope.region = json.at("region").get<std::string>();
  out.scope.service = json.at("service").get<std::string>();
  out.scope.time = parse_timestamp(json.at("timestamp").get<std::string>());
  out.options.normalize_path = json.value("normalize", true);
  out.options.sign_body = json.value("sign_body", false);
  out.options.omit_session_token = json.value("omit_session_token", false);
  return out;
}

class SigV4SuiteTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto loaded = openssl_crypto();
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    m_crypto = *loaded;
    m_dir = k_suite_dir / GetParam();
    m_request = parse_request(read_file(m_dir / "request.txt"));
    m_context = parse_context(read_file(m_dir / "context.json"));
  }

  std::string expected(const char* file) const { return read_file(m_dir / file); }

  const Crypto* m_crypto = nullptr;
  fs::path m_dir;
  SuiteRequest m_request;
  SuiteContext m_context;
};

TEST_P(SigV4SuiteTest, SignMatchesEveryStep) {
  const SigningInput input{m_request.method, m_request.path, m_request.query, m_request.headers, m_request.body};
  const Signature signature = sign(*m_crypto, input, m_context.credentials, m_context.scope, m_context.options);
  EXPECT_EQ(signature.canonical_request, expected("header-canonical-request.txt"));
  EXPECT_EQ(signature.string_to_sign, expected("header-string-to-sign.txt"));
  EXPECT_EQ(signature.signature, expected("header-signature.txt"));
  EXPECT_EQ(signature.authorization, authorization_line(expected("header-signed-request.txt")));
}

// sign_request must add exactly the headers the suite's signer adds, in the
// same order, and leave the request's own headers and body untouched.
TEST_P(SigV4SuiteTest, SignRequestMatchesSignedRequest) {
  HttpRequest request{m_request.method, "https://example.amazonaws.com" + m_request.target, m_request.headers,
                      m_request.body};
  sign_request(*m_crypto, request, m_context.credentials, m_context.scope, m_context.options);
  EXPECT_EQ(render_request(request.method, m_request.target, request.headers, request.body),
            expected("header-signed-request.txt"));
}

std::string case_test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, testing::ValuesIn(suite_cases()), case_test_name);

// Guards against the parameterized tests passing vacuously on a missing suite.
TEST(SigV4SuiteFiles, AllCasesPresent) { EXPECT_EQ(suite_cases().size(), k_suite_case_count) << k_suite_dir; }

// Below: what STS relies on beyond the suite.

const Crypto& crypto() {
  static const Crypto* const loaded = [] {
    auto result = openssl_crypto();
    return result ? *result : nullptr;
  }();
  return *loaded;
}

Credentials long_lived() {
  Credentials out;
  out.access_key_id = "AKIDEXAMPLE";
  out.secret_access_key = util::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  return out;
}

SigningScope sts_scope() {
  return {"us-east-1", "sts",
          std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours{12} + std::chrono::minutes{36}};
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

TEST(SigV4AmzDateTest, FormatsBasicIso8601) {
  EXPECT_EQ(amz_date(sts_scope().time), "20150830T123600Z");
  EXPECT_EQ(amz_date(util::TimePoint{}), "19700101T000000Z");
  EXPECT_EQ(amz_date(std::chrono::sys_days{std::chrono::year{2026} / 12 / 31} + std::chrono::seconds{86399}),
            "20261231T235959Z");
}

class SigV4RequestTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(openssl_crypto().has_value()); }
};

TEST_F(SigV4RequestTest, AddsHostWithoutDefaultPort) {
  HttpRequest request{"POST", "https://sts.us-east-1.amazonaws.com:443/", {}, "Action=GetCallerIdentity"};
  sign_request(crypto(), request, long_lived(), sts_scope());
  ASSERT_NE(find_header(request.headers, "Host"), nullptr);
  EXPECT_EQ(*find_header(request.headers, "Host"), "sts.us-east-1.amazonaws.com");
  EXPECT_EQ(find_header(request.headers, "X-Amz-Security-Token"), nullptr);
}

TEST_F(SigV4RequestTest, KeepsExplicitPortInHost) {
  HttpRequest request{"POST", "http://127.0.0.1:5000/", {}, ""};
  sign_request(crypto(), request, long_lived(), sts_scope());
  ASSERT_NE(find_header(request.headers, "Host"), nullptr);
  EXPECT_EQ(*find_header(request.headers, "Host"), "127.0.0.1:5000");
}

TEST_F(SigV4RequestTest, KeepsIpv6BracketsAndDropsDefaultHttpPort) {
  HttpRequest request{"POST", "http://[::1]:80", {}, ""};
  sign_request(crypto(), request, long_lived(), sts_scope());
  ASSERT_NE(find_header(request.headers, "Host"), nullptr);
  EXPECT_EQ(*find_header(request.headers, "Host"), "[::1]");
}

TEST_F(SigV4RequestTest, KeepsCallersHostHeader) {
  HttpRequest request{"POST", "http://127.0.0.1:5000/", {{"host", "sts.amazonaws.com"}}, ""};
  sign_request(crypto(), request, long_lived(), sts_scope());
  EXPECT_EQ(find_header(request.headers, "Host"), nullptr);
  EXPECT_NE(request.headers.back().second.find("SignedHeaders=host;x-amz-date,"), std::string::npos);
}

TEST_F(SigV4RequestTest, SignsSessionToken) {
  Credentials session = long_lived();
  session.session_token = util::Secret("token/with+chars==");
  HttpRequest request{"POST", "https://sts.amazonaws.com/", {}, ""};
  sign_request(crypto(), request, session, sts_scope());
  ASSERT_NE(find_header(request.headers, "X-Amz-Security-Token"), nullptr);
  EXPECT_EQ(*find_header(request.headers, "X-Amz-Security-Token"), "token/with+chars==");
  EXPECT_NE(request.headers.back().second.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
}

// A retry signs the same request object again; it must not pile up headers.
TEST_F(SigV4RequestTest, ResigningReplacesSignerHeaders) {
  HttpRequest request{"POST", "https://sts.amazonaws.com/", {}, "Action=GetCallerIdentity"};
  sign_request(crypto(), request, long_lived(), sts_scope());
  const Headers first = request.headers;
  sign_request(crypto(), request, long_lived(), sts_scope());
  EXPECT_EQ(request.headers, first);
}

// The expected value comes from botocore 1.43 (SigV4Auth) signing the same
// GetCallerIdentity request, as an independent check of the STS path.
TEST_F(SigV4RequestTest, MatchesBotocoreForStsPost) {
  HttpRequest request{"POST",
                      "https://sts.us-east-1.amazonaws.com/",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                      "Action=GetCallerIdentity&Version=2011-06-15"};
  sign_request(crypto(), request, long_lived(), sts_scope());
  ASSERT_EQ(request.headers.back().first, "Authorization");
  EXPECT_EQ(request.headers.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165");
}

TEST_F(SigV4RequestTest, NormalizesPathAndSortsQuery) {
  const SigningInput input{"GET", "/a/./b/../c//", "z=1&a=%7e&a=", {{"Host", "h"}}, ""};
  const Signature signature = sign(crypto(), input, long_lived(), sts_scope());
  EXPECT_EQ(signature.canonical_request.substr(0, signature.canonical_request.find("\nhost:")),
            "GET\n/a/c/\na=&a=~&z=1");
}

TEST_F(SigV4RequestTest, SkipsHeadersProxiesRewrite) {
  const SigningInput input{"GET", "/", "", {{"Host", "h"}, {"User-Agent", "stsh/0.1"}, {"Authorization", "x"}}, ""};
  const Signature signature = sign(crypto(), input, long_lived(), sts_scope());
  EXPECT_NE(signature.authorization.find("SignedHeaders=host;x-amz-date,"), std::string::npos);
}

}  // namespace
}  // namespace stsh::aws

#include "cli/real_sts_connector.h"

#include "aws/endpoint.h"

namespace stsh::cli {

Result<std::unique_ptr<aws::StsService>> RealStsConnector::connect(const std::string& region) {
  auto endpoint = aws::resolve_sts_endpoint(region, m_env);
  if (!endpoint) return std::unexpected(endpoint.error());
  auto crypto = aws::openssl_crypto();
  if (!crypto) return std::unexpected(crypto.error());
  if (!m_http) {
    aws::HttpOptions options;
    options.ca_bundle = m_env.get_nonempty("AWS_CA_BUNDLE").value_or("");
    auto http = aws::make_curl_http_client(options);
    if (!http) return std::unexpected(http.error());
    m_http = std::move(*http);
  }
  return std::make_unique<aws::StsClient>(*m_http, **crypto, m_clock, m_sleeper, std::move(*endpoint), region);
}

}  // namespace stsh::cli

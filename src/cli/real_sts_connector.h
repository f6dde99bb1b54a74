#pragma once
// The production StsConnector: libcurl + libcrypto, endpoint from the
// environment as the AWS SDKs resolve it.

#include "cli/context.h"
#include "util/clock.h"

namespace stsh::cli {

class RealStsConnector final : public StsConnector {
 public:
  RealStsConnector(const util::Environment& env, const util::Clock& clock) : m_env(env), m_clock(clock) {}
  Result<std::unique_ptr<aws::StsService>> connect(const std::string& region) override;

 private:
  const util::Environment& m_env;
  const util::Clock& m_clock;
  std::unique_ptr<aws::HttpClient> m_http;
  util::RealSleeper m_sleeper;
};

}  // namespace stsh::cli

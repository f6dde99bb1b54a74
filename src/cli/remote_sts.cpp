#include "cli/remote_sts.h"

#include <unistd.h>

#include "aws/sts_wire.h"
#include "util/subprocess.h"

namespace stsh::cli {

namespace {

constexpr const char* k_helper_name = "stsh-net";

class HelperStsService final : public aws::StsService {
 public:
  HelperStsService(util::Path helper, std::string region) : m_helper(std::move(helper)), m_region(std::move(region)) {}

  Result<aws::Credentials> get_session_token(const aws::Credentials& caller,
                                             const aws::GetSessionTokenParams& params) override {
    return call_for_credentials(caller, params);
  }
  Result<aws::Credentials> assume_role(const aws::Credentials& caller, const aws::AssumeRoleParams& params) override {
    return call_for_credentials(caller, params);
  }
  Result<aws::CallerIdentity> get_caller_identity(const aws::Credentials& caller) override {
    auto response = exchange(caller, std::monostate{});
    if (!response) return std::unexpected(response.error());
    return aws::decode_identity_response(*response);
  }

 private:
  template <class Params>
  Result<aws::Credentials> call_for_credentials(const aws::Credentials& caller, const Params& params) {
    auto response = exchange(caller, params);
    if (!response) return std::unexpected(response.error());
    auto credentials = aws::decode_credentials_response(*response);
    util::wipe(*response);
    return credentials;
  }

  Result<std::string> exchange(const aws::Credentials& caller,
                               std::variant<std::monostate, aws::GetSessionTokenParams, aws::AssumeRoleParams> call) {
    aws::WireRequest request{m_region, caller, std::move(call)};
    std::string input = aws::encode_request(request);
    auto output = util::run_filter(m_helper, {}, input);
    util::wipe(input);
    return output;
  }

  util::Path m_helper;
  std::string m_region;
};

}  // namespace

Result<util::Path> find_network_helper(const util::Path& exe_path) {
  util::Path dir = exe_path.parent_path();
  const util::Path candidates[] = {dir / k_helper_name, dir.parent_path() / "libexec" / "stsh" / k_helper_name};
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return fail(ErrorKind::config, "stsh's network helper is missing (looked for " + candidates[0].string() + " and " +
                                     candidates[1].string() + "); reinstall stsh with 'cmake --install'");
}

Result<std::unique_ptr<aws::StsService>> HelperStsConnector::connect(const std::string& region) {
  auto helper = find_network_helper(m_exe_path());
  if (!helper) return std::unexpected(helper.error());
  return std::make_unique<HelperStsService>(std::move(*helper), region);
}

}  // namespace stsh::cli

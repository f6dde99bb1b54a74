#pragma once
// The StsConnector of the stsh binary: STS calls run in the helper program
// stsh-net, which loads libcurl and libcrypto. stsh itself is linked
// statically so that the commands that need no network start as fast as
// any process can.

#include "cli/context.h"

namespace stsh::cli {

class HelperStsConnector final : public StsConnector {
 public:
  // `exe_path` is this binary; the helper is looked up beside it, then in
  // ../libexec/stsh/.
  explicit HelperStsConnector(std::function<std::string()> exe_path) : m_exe_path(std::move(exe_path)) {}
  Result<std::unique_ptr<aws::StsService>> connect(const std::string& region) override;

 private:
  std::function<std::string()> m_exe_path;
};

// Where the helper is, or a config error naming the places looked at.
Result<util::Path> find_network_helper(const util::Path& exe_path);

}  // namespace stsh::cli

#pragma once
// Everything a command may touch, passed in so tests can substitute fakes.

#include <memory>
#include <ostream>
#include <string>

#include "aws/sts_client.h"
#include "util/clock.h"
#include "util/environment.h"
#include "util/file_system.h"
#include "util/terminal.h"

namespace stsh::cli {

// Makes an STS client on demand: the network libraries are loaded only by
// the commands that call this.
class StsConnector {
 public:
  virtual ~StsConnector() = default;
  virtual Result<std::unique_ptr<aws::StsClient>> connect(const std::string& region) = 0;
};

struct Context {
  const util::Environment& env;
  util::FileSystem& fs;
  const util::Clock& clock;
  util::Terminal& terminal;
  StsConnector& sts;
  std::string exe_path;  // absolute path of this binary, for `init`
  std::ostream& out;     // shell code and machine-readable output only
  std::ostream& err;     // messages for the user
};

// Prints "stsh: error: MESSAGE" and returns the error's exit code.
int report(Context& ctx, const Error& error);
void warn(Context& ctx, std::string_view message);

}  // namespace stsh::cli

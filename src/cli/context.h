#pragma once
// Everything a command may touch, passed in so tests can substitute fakes.

#include <functional>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>

#include "aws/sts_client.h"
#include "util/clock.h"
#include "util/environment.h"
#include "util/file_system.h"
#include "util/launcher.h"
#include "util/terminal.h"

namespace stsh::cli {

// Makes an STS client on demand: only the commands that call this pay for
// the network code (a helper process that loads libcurl and libcrypto).
class StsConnector {
 public:
  virtual ~StsConnector() = default;
  virtual Result<std::unique_ptr<aws::StsService>> connect(const std::string& region) = 0;
};

struct Context {
  const util::Environment& env;
  util::FileSystem& fs;
  const util::Clock& clock;
  util::Terminal& terminal;
  StsConnector& sts;
  // Absolute path of this binary, for `init`; computed only when asked.
  std::function<std::string()> exe_path;
  std::ostream& out;  // shell code and machine-readable output only
  std::ostream& err;  // messages for the user
  util::Launcher* launcher = &util::exec_launcher();
  std::istream* in = &std::cin;  // for --stdin input only
};

// Prints "stsh: error: MESSAGE" and returns the error's exit code.
int report(Context& ctx, const Error& error);
void warn(Context& ctx, std::string_view message);

}  // namespace stsh::cli

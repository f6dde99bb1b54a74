#pragma once
// Asking the user a question on the controlling terminal (/dev/tty), so a
// prompt works inside eval "$(...)" and under credential_process, where
// stdin and stdout belong to someone else.

#include <string>
#include <string_view>

#include "util/error.h"
#include "util/secret.h"

namespace stsh::util {

class Terminal {
 public:
  virtual ~Terminal() = default;
  // Writes `prompt` and reads one line; ErrorKind::interaction when there
  // is no terminal. With echo off, the input is not shown.
  virtual Result<Secret> ask(std::string_view prompt, bool echo) = 0;
};

class TtyTerminal final : public Terminal {
 public:
  Result<Secret> ask(std::string_view prompt, bool echo) override;
};

}  // namespace stsh::util

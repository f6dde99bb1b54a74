#pragma once
// Starting the user's command for `stsh exec`, behind an interface so unit
// tests can see what would run without running it.

#include <string>
#include <vector>

#include "util/error.h"

namespace stsh::util {

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Replaces this process with `argv` (PATH searched) and environment `env`
  // ("NAME=value" entries). Returns only on failure.
  virtual Error replace_process(const std::vector<std::string>& argv, const std::vector<std::string>& env) = 0;
};

// The real one: execvpe. The command then owns the pid, so signals reach it
// directly and its exit status is the caller's, with nothing of stsh (and
// none of its memory) left behind.
Launcher& exec_launcher();

}  // namespace stsh::util

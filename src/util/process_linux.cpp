#include <limits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/process.h"

namespace stsh::util {

void harden_process() {
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

std::string executable_path(const char* argv0) {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return argv0 != nullptr ? argv0 : "stsh";
  return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace stsh::util

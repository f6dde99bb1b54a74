#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/launcher.h"

namespace stsh::util {

namespace {

class ExecLauncher final : public Launcher {
 public:
  Error replace_process(const std::vector<std::string>& argv, const std::vector<std::string>& env) override {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execvpe(args[0], args.data(), envp.data());
    int saved = errno;
    return Error{saved == ENOENT ? ErrorKind::usage : ErrorKind::internal,
                 "cannot run " + argv[0] + ": " + std::strerror(saved) + (saved == ENOENT ? " (not on PATH?)" : "")};
  }
};

}  // namespace

Launcher& exec_launcher() {
  static ExecLauncher launcher;
  return launcher;
}

}  // namespace stsh::util

#include "util/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/secret.h"
#include "util/unique_fd.h"

extern char** environ;

namespace stsh::util {

namespace {

Error spawn_error(const Path& program, std::string_view what) {
  return Error{ErrorKind::internal, "cannot run " + program.string() + ": " + std::string(what)};
}

}  // namespace

Result<std::string> run_filter(const Path& program, const std::vector<std::string>& args, std::string_view input,
                               std::size_t max_output) {
  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return std::unexpected(spawn_error(program, std::strerror(errno)));
  UniqueFd in_read(in_pipe[0]), in_write(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return std::unexpected(spawn_error(program, std::strerror(errno)));
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);

  std::vector<std::string> argv_storage{program.string()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return std::unexpected(spawn_error(program, std::strerror(rc)));
  in_read.reset();
  out_write.reset();

  // A helper that died early must not kill us with SIGPIPE.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  std::string_view pending = input;
  while (!pending.empty()) {
    ssize_t n = ::write(in_write.get(), pending.data(), pending.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.remove_prefix(static_cast<std::size_t>(n));
  }
  in_write.reset();
  ::sigaction(SIGPIPE, &previous, nullptr);

  std::string output;
  char buffer[4096];
  bool too_long = false;
  for (;;) {
    ssize_t n = ::read(out_read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() + static_cast<std::size_t>(n) > max_output) {
      too_long = true;
      break;
    }
    output.append(buffer, static_cast<std::size_t>(n));
  }
  wipe(buffer, sizeof buffer);
  // Closing our end first means a child still writing gets SIGPIPE rather
  // than blocking forever while we wait for it.
  out_read.reset();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_long) {
    wipe(output);
    return std::unexpected(spawn_error(program, "it wrote more than " + std::to_string(max_output) + " bytes"));
  }
  if (WIFSIGNALED(status)) {
    wipe(output);
    return std::unexpected(spawn_error(program, "killed by signal " + std::to_string(WTERMSIG(status))));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    wipe(output);
    return std::unexpected(spawn_error(program, "exit status " + std::to_string(WEXITSTATUS(status))));
  }
  return output;
}

}  // namespace stsh::util

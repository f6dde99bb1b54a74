#include "util/terminal.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace stsh::util {

Result<Secret> TtyTerminal::ask(std::string_view prompt, bool echo) {
  UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!tty) return fail(ErrorKind::interaction, std::string("no terminal to ask on (") + std::strerror(errno) + ")");

  termios saved{};
  bool restore = false;
  if (!echo && ::tcgetattr(tty.get(), &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = ::tcsetattr(tty.get(), TCSAFLUSH, &quiet) == 0;
  }
  if (::write(tty.get(), prompt.data(), prompt.size()) < 0) {
    return fail(ErrorKind::interaction, std::string("cannot write to the terminal: ") + std::strerror(errno));
  }

  std::string line;
  char c = 0;
  bool got_line = false;
  for (;;) {
    ssize_t n = ::read(tty.get(), &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n' || c == '\r') {
      got_line = true;
      break;
    }
    line += c;
  }
  c = 0;
  if (restore) {
    ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
    [[maybe_unused]] auto ignored = ::write(tty.get(), "\n", 1);
  }
  if (!got_line && line.empty()) {
    return fail(ErrorKind::interaction, "no answer was typed at the terminal");
  }
  return Secret(std::move(line));
}

}  // namespace stsh::util

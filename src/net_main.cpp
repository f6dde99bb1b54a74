// stsh-net: the helper that makes stsh's STS calls. It reads one request
// (JSON) on stdin and writes one response on stdout; see aws/sts_wire.h.
// It exists so that the stsh binary can be fully static and fast, while
// this program loads libcurl and libcrypto at run time.

#include <unistd.h>

#include <string>

#include "aws/sts_wire.h"
#include "cli/real_sts_connector.h"
#include "util/process.h"
#include "util/secret.h"

namespace {

std::string read_stdin(std::size_t limit) {
  std::string input;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0 || input.size() + static_cast<std::size_t>(n) > limit) break;
    input.append(buffer, static_cast<std::size_t>(n));
  }
  stsh::util::wipe(buffer, sizeof buffer);
  return input;
}

void write_stdout(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

int main() {
  stsh::util::harden_process();
  if (::isatty(STDIN_FILENO)) {
    constexpr std::string_view k_message = "stsh-net is stsh's internal network helper; run stsh instead\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, k_message.data(), k_message.size());
    return 2;
  }
  std::string input = read_stdin(1 << 16);
  auto request = stsh::aws::decode_request(input);
  stsh::util::wipe(input);

  std::string response;
  if (!request) {
    response = stsh::aws::encode_error(request.error());
  } else {
    stsh::util::ProcessEnvironment env;
    stsh::util::SystemClock clock;
    stsh::cli::RealStsConnector connector(env, clock);
    auto service = connector.connect(request->region);
    response = service ? stsh::aws::serve_request(**service, *request) : stsh::aws::encode_error(service.error());
  }
  write_stdout(response);
  stsh::util::wipe(response);
  return 0;
}

// stsh-net: the helper that makes stsh's STS and Secret Service calls. It
// reads one request (JSON) on stdin and writes one response on stdout; see
// aws/sts_wire.h and store/secret_wire.h. It exists so that the stsh binary
// can be fully static and fast, while this program loads libcurl,
// libcrypto and libsecret at run time.

#include <unistd.h>

#include <string>

#include "aws/sts_wire.h"
#include "cli/real_sts_connector.h"
#include "store/libsecret_backend.h"
#include "store/secret_wire.h"
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

std::string serve_secret_store(std::string_view input) {
  auto request = stsh::store::decode_secret_request(input);
  if (!request) return stsh::store::encode_secret_error(request.error());
  stsh::store::LibsecretStore store;
  return stsh::store::serve_secret_request(store, *request);
}

std::string serve_sts(std::string_view input) {
  auto request = stsh::aws::decode_request(input);
  if (!request) return stsh::aws::encode_error(request.error());
  stsh::util::ProcessEnvironment env;
  stsh::util::SystemClock clock;
  stsh::cli::RealStsConnector connector(env, clock);
  auto service = connector.connect(request->region);
  return service ? stsh::aws::serve_request(**service, *request) : stsh::aws::encode_error(service.error());
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
  // The "call" field says which protocol: Secret* calls go to the keyring, the rest to STS.
  std::string response = stsh::store::is_secret_request(input) ? serve_secret_store(input) : serve_sts(input);
  stsh::util::wipe(input);
  write_stdout(response);
  stsh::util::wipe(response);
  return 0;
}

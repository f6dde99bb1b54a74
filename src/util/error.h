#pragma once
// One error type for the whole program: low-level code returns
// Result<T>; the CLI turns an Error into one line and an exit code.

#include <expected>
#include <string>
#include <utility>

namespace stsh {

// Each kind is a documented exit code (see README "Exit codes").
enum class ErrorKind {
  internal = 1,     // a bug or an unexpected system failure
  usage = 2,        // bad command line or bad input value
  config = 3,       // missing or malformed local configuration
  aws = 4,          // AWS answered with an error (AccessDenied, bad MFA code)
  network = 5,      // the endpoint could not be reached or timed out
  io = 6,           // a local file could not be read or written
  interaction = 7,  // input needed but no terminal to ask on
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error{kind, std::move(message)});
}

inline int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

}  // namespace stsh

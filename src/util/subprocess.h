#pragma once
// Runs a helper program as a filter: `input` on its stdin, its stdout
// returned. Data goes through pipes, never argv.

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/file_system.h"

namespace stsh::util {

// The child inherits the environment and stderr. A non-zero exit or a
// signal is an ErrorKind::internal error naming the program.
Result<std::string> run_filter(const Path& program, const std::vector<std::string>& args, std::string_view input,
                               std::size_t max_output = 1 << 20);

}  // namespace stsh::util

#pragma once
// The shell functions (ec2switch, ec2now, ec2mfa and a stsh wrapper) that
// `stsh init SHELL` prints for the user's rc file.

#include <string>
#include <string_view>

#include "shell/quote.h"

namespace stsh::shell {

// `exe` is the absolute path of the stsh binary the functions call.
std::string init_script(ShellKind kind, std::string_view exe);

}  // namespace stsh::shell

#pragma once
// Process-wide protections and facts, implemented per platform.

#include <string>

namespace stsh::util {

// No core dumps, not ptrace-attachable by other users' processes: a crash
// must not write secrets to disk.
void harden_process();

// Absolute path of the running binary (falls back to argv[0]).
std::string executable_path(const char* argv0);

}  // namespace stsh::util

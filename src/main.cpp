// Wires the real implementations of every side effect into the CLI.

#include <iostream>
#include <string>
#include <vector>

#include "cli/command_table.h"
#include "cli/remote_sts.h"
#include "util/process.h"

int main(int argc, char** argv) {
  stsh::util::harden_process();
  std::ios::sync_with_stdio(false);

  stsh::util::ProcessEnvironment env;
  stsh::util::RealFileSystem fs;
  stsh::util::SystemClock clock;
  stsh::util::TtyTerminal terminal;
  const char* argv0 = argc > 0 ? argv[0] : "stsh";
  auto exe = [argv0] { return stsh::util::executable_path(argv0); };
  stsh::cli::HelperStsConnector sts(exe);
  stsh::cli::Context ctx{env, fs, clock, terminal, sts, exe, std::cout, std::cerr};

  std::vector<std::string> args(argv + 1, argv + argc);
  int code = stsh::cli::run_cli(ctx, argv0, args);
  std::cout.flush();
  return code;
}

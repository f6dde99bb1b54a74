#include "cli/command_table.h"

#include <array>

namespace stsh::cli {

namespace {

constexpr std::array k_commands = {
    Command{"init", "print the shell functions: eval \"$(stsh init bash)\" (zsh, fish too)", run_init},
    Command{"switch", "use an account's cached MFA session, else its keys (ec2switch)", run_switch},
    Command{"now", "show which account is set and how long its session lasts (ec2now)", run_now},
    Command{"mfa", "get an MFA session with GetSessionToken and switch to it (ec2mfa)", run_mfa},
    Command{"session-token", "GetSessionToken for scripts (generate-sts-mfa-token)", run_session_token},
    Command{"role", "AssumeRole for scripts (generate-sts-role-token)", run_role},
    Command{"export", "print a profile's credentials (env, shells, json, credential-process)", run_export},
    Command{"exec", "run a command with a profile's credentials in its environment", run_exec},
    Command{"list", "every profile and seed account, with its cached session's time left", run_list},
    Command{"clear", "remove cached sessions (all, or one profile's)", run_clear},
    Command{"config", "config dump [--json]: the AWS config files as stsh reads them", run_config},
    Command{"backends", "the secret backends, whether each works here, and which one is used", run_backends},
    Command{"add", "store an account's keys in the secret backend (asked without echo)", run_add},
    Command{"remove", "delete an account's keys and session from the secret backend", run_remove},
    Command{"import", "move ~/aws-creds accounts into the secret backend, verified", run_import},
};

std::string usage() {
  std::string text =
      "usage: stsh COMMAND [OPTIONS]\n\n"
      "AWS temporary and MFA credentials for your shell and your scripts.\n\ncommands:\n";
  for (const auto& command : k_commands) {
    std::string name(command.name);
    name.resize(16, ' ');
    text += "  " + name + std::string(command.summary) + "\n";
  }
  text +=
      "\n'stsh COMMAND --help' describes a command. Exit codes: 0 ok, 1 internal error, 2 bad usage or input,\n"
      "3 configuration, 4 AWS refused, 5 network, 6 local file I/O, 7 no terminal for a prompt.\n";
  return text;
}

}  // namespace

std::span<const Command> commands() { return k_commands; }

int report(Context& ctx, const Error& error) {
  ctx.err << "stsh: error: " << error.message << "\n";
  ctx.err.flush();
  return exit_code(error.kind);
}

void warn(Context& ctx, std::string_view message) {
  ctx.err << "stsh: warning: " << message << "\n";
  ctx.err.flush();
}

int run_cli(Context& ctx, std::string_view argv0, Args args) {
  std::string_view base = argv0.substr(argv0.rfind('/') == std::string_view::npos ? 0 : argv0.rfind('/') + 1);
  if (base == "generate-sts-mfa-token") return run_session_token(ctx, args);
  if (base == "generate-sts-role-token") return run_role(ctx, args);

  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? ctx.err : ctx.out) << usage();
    return args.empty() ? exit_code(ErrorKind::usage) : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    ctx.out << "stsh " << STSH_VERSION << "\n";
    return 0;
  }
  for (const auto& command : k_commands) {
    if (command.name == args[0]) return command.run(ctx, args.subspan(1));
  }
  return report(ctx, Error{ErrorKind::usage, "unknown command '" + args[0] + "'; see 'stsh --help'"});
}

}  // namespace stsh::cli

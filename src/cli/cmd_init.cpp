// stsh init SHELL: prints the shell functions for the user's rc file.

#include <array>

#include "cli/command_table.h"
#include "cli/seed_support.h"
#include "shell/init_script.h"

namespace stsh::cli {

int run_init(Context& ctx, Args args) {
  static constexpr std::array k_specs = {util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'}};
  auto parsed = util::parse_args(args, k_specs, "stsh init");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) {
    return print_help(ctx,
                      "stsh init bash|zsh|fish\n\n"
                      "  bash/zsh: eval \"$(stsh init bash)\" in ~/.bashrc or ~/.zshrc\n"
                      "  fish:     stsh init fish | source   in ~/.config/fish/config.fish\n\n"
                      "Defines ec2switch, ec2now, ec2mfa and a stsh wrapper that set variables in the current shell.",
                      k_specs);
  }
  if (parsed->positionals().size() != 1) {
    return report(ctx, Error{ErrorKind::usage, "say which shell: stsh init bash|zsh|fish"});
  }
  auto kind = shell::parse_shell_kind(parsed->positionals()[0]);
  if (!kind || *kind == shell::ShellKind::powershell) {
    return report(ctx, Error{ErrorKind::usage, "unsupported shell '" + parsed->positionals()[0] +
                                                   "': stsh init supports bash, zsh and fish"});
  }
  ctx.out << shell::init_script(*kind, ctx.exe_path());
  return 0;
}

}  // namespace stsh::cli

#pragma once
// The table of subcommands: it drives dispatch and help alike.

#include <span>
#include <string>
#include <string_view>

#include "cli/context.h"

namespace stsh::cli {

using Args = std::span<const std::string>;

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(Context& ctx, Args args);
};

std::span<const Command> commands();

// Entry point after main() has built the context. `argv0` selects the
// seed-compatible personalities (generate-sts-mfa-token, generate-sts-role-token).
int run_cli(Context& ctx, std::string_view argv0, Args args);

// Each command's run function, one file each.
int run_init(Context& ctx, Args args);
int run_switch(Context& ctx, Args args);
int run_now(Context& ctx, Args args);
int run_mfa(Context& ctx, Args args);
int run_session_token(Context& ctx, Args args);
int run_role(Context& ctx, Args args);
int run_export(Context& ctx, Args args);
int run_exec(Context& ctx, Args args);
int run_list(Context& ctx, Args args);
int run_clear(Context& ctx, Args args);
int run_config(Context& ctx, Args args);
int run_backends(Context& ctx, Args args);
int run_add(Context& ctx, Args args);
int run_remove(Context& ctx, Args args);
int run_import(Context& ctx, Args args);

}  // namespace stsh::cli

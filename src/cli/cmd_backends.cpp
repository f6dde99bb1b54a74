// stsh backends: every secret backend, whether it works here and why not,
// and which one stsh would use.

#include <array>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"

namespace stsh::cli {

int run_backends(Context& ctx, Args args) {
  static constexpr std::array k_specs = {
      util::OptionSpec{"backend", util::ArgKind::value, "the backend to mark as chosen", "NAME"},
      util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
  };
  auto parsed = util::parse_args(args, k_specs, "stsh backends");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh backends", k_specs);

  auto deps = store_deps(ctx);
  auto chosen = store::choose_backend(parsed->get("backend"), deps);
  for (const auto& status : store::probe_backends(deps)) {
    std::string name = status.name;
    name.resize(16, ' ');
    bool is_chosen = chosen && *chosen == status.name;
    ctx.out << (is_chosen ? "* " : "  ") << name << (status.availability.available ? "available    " : "unavailable  ")
            << status.availability.detail << "\n";
  }
  ctx.out << "\nOrder when none is chosen: secret-service, file. keyctl (forgets at reboot) and plaintext are used\n"
             "only when chosen with --backend, STSH_BACKEND or 'backend = NAME' in "
          << store::stsh_config_path(ctx.env).string() << ".\n";
  if (!chosen) ctx.out << "No backend can be used: " << chosen.error().message << "\n";
  return 0;
}

}  // namespace stsh::cli

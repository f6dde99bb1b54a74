// stsh now (ec2now): what the current shell is set for. Reads only the
// environment.

#include <array>

#include "cli/command_table.h"
#include "cli/seed_support.h"
#include "util/time_format.h"

namespace stsh::cli {

int run_now(Context& ctx, Args args) {
  static constexpr std::array k_specs = {util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'}};
  auto parsed = util::parse_args(args, k_specs, "stsh now");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh now   (or the ec2now function)", k_specs);

  auto label = ctx.env.get_nonempty("MY_AWS_SET_FOR");
  if (!label) label = ctx.env.get_nonempty("STSH_ACCOUNT");
  if (!label) {
    ctx.err << "No keys set\n";
  } else {
    ctx.err << "Keys set for " << *label << " AWS account\n";
    if (auto text = ctx.env.get_nonempty("STSH_EXPIRATION")) {
      auto expiration = util::parse_iso8601(*text);
      auto now = ctx.clock.now();
      if (!expiration) {
        ctx.err << "Session expiry unknown (STSH_EXPIRATION=" << *text << " is not a time)\n";
      } else if (*expiration > now) {
        ctx.err << "Session expires in " << util::format_duration(*expiration - now) << " (" << *text << ")\n";
      } else {
        ctx.err << "Session expired at " << *text << "; run ec2mfa for a new one\n";
      }
    }
  }
  auto region = ctx.env.get_nonempty("AWS_DEFAULT_REGION");
  if (!region) region = ctx.env.get_nonempty("AWS_REGION");
  if (region) ctx.err << "Region is " << *region << "\n";
  return 0;
}

}  // namespace stsh::cli

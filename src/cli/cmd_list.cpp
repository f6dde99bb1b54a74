// stsh list: every profile and seed account, its kind and its cached
// session's time left. Never a secret, never the network.

#include <array>
#include <nlohmann/json.hpp>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "util/time_format.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"json", util::ArgKind::flag, "print JSON"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text + "  ";
}

}  // namespace

int run_list(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh list");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh list [--json]", k_specs);

  auto resolver = make_resolver(ctx);
  auto profiles = resolver.list();
  if (!profiles) return report(ctx, profiles.error());

  nlohmann::json rows = nlohmann::json::array();
  std::size_t width = 7;
  for (const auto& p : *profiles) width = std::max(width, p.name.size());
  std::string table = pad("PROFILE", width) + pad("KIND", 11) + pad("SOURCE", 14) + "SESSION\n";
  auto now = ctx.clock.now();
  for (const auto& p : *profiles) {
    nlohmann::json row = {{"name", p.name},
                          {"kind", std::string(creds::profile_kind_name(p.kind))},
                          {"source", p.seed_account ? "seed" : (p.backend.empty() ? "config" : p.backend)}};
    std::string session = "-";
    if (p.error) {
      row["error"] = *p.error;
      session = "error: " + *p.error;
    } else {
      creds::ResolveOptions options;
      options.cache_only = true;
      auto cached = resolver.resolve(p.name, options);
      if (cached && cached->complete && cached->credentials.expiration) {
        auto left = *cached->credentials.expiration - now;
        row["expiration"] = util::format_iso8601(*cached->credentials.expiration);
        row["seconds_left"] = left.count();
        session = util::format_duration(left) + " left";
      } else if (cached && cached->complete) {
        session = "long-lived keys";
      }
    }
    rows.push_back(row);
    table += pad(p.name, width) + pad(row["kind"].get<std::string>(), 11) + pad(row["source"].get<std::string>(), 14) +
             session + "\n";
  }
  ctx.out << (parsed->has("json") ? rows.dump(2) + "\n" : table);
  return 0;
}

}  // namespace stsh::cli

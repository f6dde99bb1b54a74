// stsh add NAME: stores an account's long-lived keys in the secret backend,
// read from the terminal without echo (or stdin), checked with
// GetCallerIdentity first.

#include <array>
#include <iostream>

#include "aws/endpoint.h"
#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "store/key_record.h"
#include "util/strings.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"stdin", util::ArgKind::flag, "read the key id and secret as two lines of stdin"},
    util::OptionSpec{"no-verify", util::ArgKind::flag, "do not check the keys with GetCallerIdentity"},
    util::OptionSpec{"mfa-serial", util::ArgKind::value, "the MFA device to use with these keys", "ARN"},
    util::OptionSpec{"user", util::ArgKind::value, "IAM user name, for the seed's MFA serial", "USER"},
    util::OptionSpec{"backend", util::ArgKind::value, "secret-service, file, keyctl or plaintext", "NAME"},
    util::OptionSpec{"region", util::ArgKind::value, "STS region for the check", "REGION"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

Result<std::string> read_line(Context& ctx, bool from_stdin, std::string_view prompt, bool echo) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(*ctx.in, line)) return fail(ErrorKind::usage, "stdin ended before the key id and secret");
    std::string value(util::trim(line));
    util::wipe(line);
    return value;
  }
  auto typed = ctx.terminal.ask(prompt, echo);
  if (!typed) {
    return fail(typed.error().kind, typed.error().message + ": run in a terminal, or pass the keys with --stdin");
  }
  return std::string(util::trim(typed->reveal()));
}

bool plausible_key_id(std::string_view id) {
  if (id.size() < 16 || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

}  // namespace

int run_add(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh add");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh add NAME [--stdin] [--no-verify] [--mfa-serial ARN]", k_specs);
  if (parsed->positionals().size() != 1) return report(ctx, Error{ErrorKind::usage, "say which name: stsh add NAME"});
  std::string name = util::to_lower(parsed->positionals()[0]);
  if (name.empty() || name.find('/') != std::string::npos || name.front() == '.') {
    return report(ctx, Error{ErrorKind::usage, "'" + name + "' cannot be an account name"});
  }

  auto deps = store_deps(ctx);
  auto backend = store::choose_backend(parsed->get("backend"), deps);
  if (!backend) return report(ctx, backend.error());
  auto store = store::open_backend(*backend, deps);
  if (!store) return report(ctx, store.error());

  bool from_stdin = parsed->has("stdin");
  auto id = read_line(ctx, from_stdin, "Access key ID: ", true);
  if (!id) return report(ctx, id.error());
  if (!plausible_key_id(*id)) {
    return report(ctx,
                  Error{ErrorKind::usage, "'" + aws::redact_key_id(*id) + "' does not look like an access key ID"});
  }
  auto secret = read_line(ctx, from_stdin, "Secret access key: ", false);
  if (!secret) return report(ctx, secret.error());
  if (secret->empty()) return report(ctx, Error{ErrorKind::usage, "the secret access key is empty"});

  store::KeyRecord record;
  record.keys.access_key_id = *id;
  record.keys.secret_access_key = util::Secret(std::move(*secret));
  record.user = parsed->get("user");
  record.mfa_serial = parsed->get("mfa-serial");

  if (!parsed->has("no-verify")) {
    auto client = ctx.sts.connect(aws::resolve_region(parsed->get("region"), ctx.env));
    if (!client) return report(ctx, client.error());
    auto identity = (*client)->get_caller_identity(record.keys);
    if (!identity) {
      return report(ctx, Error{identity.error().kind, "these keys do not work (" + identity.error().message +
                                                          "); nothing was stored (--no-verify skips this check)"});
    }
    ctx.err << "Verified: " << identity->arn << "\n";
  }
  if (auto put = (*store)->put(store::keys_item(name), store::encode_key_record(record), std::nullopt); !put) {
    return report(ctx, put.error());
  }
  ctx.err << "Added keys " << aws::redact_key_id(*id) << " for " << name << " to the " << *backend << " backend\n";
  return 0;
}

int run_remove(Context& ctx, Args args) {
  static constexpr std::array k_remove_specs = {
      util::OptionSpec{"backend", util::ArgKind::value, "secret-service, file, keyctl or plaintext", "NAME"},
      util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
  };
  auto parsed = util::parse_args(args, k_remove_specs, "stsh remove");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) return print_help(ctx, "stsh remove NAME", k_remove_specs);
  if (parsed->positionals().size() != 1)
    return report(ctx, Error{ErrorKind::usage, "say which name: stsh remove NAME"});
  const std::string& name = parsed->positionals()[0];
  auto deps = store_deps(ctx);
  auto backend = store::choose_backend(parsed->get("backend"), deps);
  if (!backend) return report(ctx, backend.error());
  auto store = store::open_backend(*backend, deps);
  if (!store) return report(ctx, store.error());
  auto existing = (*store)->get(store::keys_item(name));
  if (!existing) return report(ctx, existing.error());
  if (!*existing) {
    return report(ctx, Error{ErrorKind::config, "the " + *backend + " backend has no keys for '" + name + "'"});
  }
  for (const auto& item : {store::session_item(name), store::keys_item(name)}) {
    if (auto gone = (*store)->remove(item); !gone) return report(ctx, gone.error());
  }
  ctx.err << "Removed " << name << " from the " << *backend << " backend\n";
  return 0;
}

}  // namespace stsh::cli

// stsh import: moves the seed's plaintext accounts into a secret backend.
// Order matters for "no key lost at any moment": every account is written
// and read back first; only then, and only with --remove-plaintext, are the
// plaintext files overwritten and deleted. Killed at any point, each key is
// in the plaintext files, the backend, or both.

#include <array>

#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/accounts_file.h"
#include "creds/creds_dir.h"
#include "store/key_record.h"
#include "store/plaintext_store.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"from", util::ArgKind::value, "the seed's credentials directory (default ~/aws-creds)", "DIR"},
    util::OptionSpec{"to", util::ArgKind::value, "the backend to move into (default: the chosen one)", "BACKEND"},
    util::OptionSpec{"dry-run", util::ArgKind::flag, "say what would happen, change nothing"},
    util::OptionSpec{"remove-plaintext", util::ArgKind::flag,
                     "after every account is verified, shred the plaintext files"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

}  // namespace

int run_import(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh import");
  if (!parsed) return report(ctx, parsed.error());
  if (parsed->has("help")) {
    return print_help(ctx, "stsh import [--from DIR] [--to BACKEND] [--dry-run] [--remove-plaintext]", k_specs);
  }
  util::Path from = parsed->get("from") ? util::Path(*parsed->get("from")) : creds::CredsDir::default_path(ctx.env);
  creds::CredsDir dir(ctx.fs, from);
  auto names = dir.account_names();
  if (!names) return report(ctx, names.error());

  auto deps = store_deps(ctx);
  auto backend = store::choose_backend(parsed->get("to"), deps);
  if (!backend) return report(ctx, backend.error());
  if (*backend == "plaintext") {
    return report(ctx, Error{ErrorKind::usage,
                             "the accounts are already plaintext: choose --to secret-service, file "
                             "or keyctl"});
  }
  auto accounts = creds::AccountsFile::find(ctx.fs, ctx.env, std::nullopt, from);
  if (!accounts) return report(ctx, accounts.error());

  // Load everything before touching anything.
  std::vector<store::KeyRecord> records;
  for (const auto& name : *names) {
    auto account = dir.load(name);
    if (!account) return report(ctx, account.error());
    store::KeyRecord record{std::move(account->keys), account->user, std::nullopt, std::nullopt};
    if (*accounts) {
      if (auto prefix = (*accounts)->arn_prefix(name); prefix) record.arn_prefix = *prefix;
    }
    records.push_back(std::move(record));
  }
  if (parsed->has("dry-run")) {
    for (std::size_t i = 0; i < names->size(); ++i) {
      ctx.err << "Would import " << (*names)[i] << " (" << aws::redact_key_id(records[i].keys.access_key_id)
              << ") into the " << *backend << " backend"
              << (parsed->has("remove-plaintext") ? ", then shred its plaintext files" : "") << "\n";
    }
    ctx.err << "Dry run: nothing changed\n";
    return 0;
  }

  auto store = store::open_backend(*backend, deps);
  if (!store) return report(ctx, store.error());
  if (parsed->has("remove-plaintext")) {
    // What an earlier, interrupted run left behind, for accounts the
    // backend already holds.
    store::PlaintextStore plaintext(ctx.fs, from);
    auto swept = plaintext.sweep_leftovers([&](std::string_view account) {
      auto held = (*store)->get(store::keys_item(account));
      return held && *held;
    });
    if (!swept) return report(ctx, swept.error());
    if (*swept > 0) ctx.err << "Shredded " << *swept << " plaintext file(s) left by an interrupted import\n";
  }
  if (names->empty()) {
    ctx.err << "No accounts to import in " << from.string() << "\n";
    return 0;
  }
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string item = store::keys_item((*names)[i]);
    if (auto put = (*store)->put(item, store::encode_key_record(records[i]), std::nullopt); !put) {
      return report(ctx, Error{put.error().kind, put.error().message + "; the plaintext files are untouched"});
    }
    auto back = (*store)->get(item);
    auto decoded =
        back && *back ? store::decode_key_record(**back, item) : Result<store::KeyRecord>(std::unexpected(Error{}));
    bool same = decoded && decoded->keys.access_key_id == records[i].keys.access_key_id &&
                decoded->keys.secret_access_key == records[i].keys.secret_access_key;
    if (!same) {
      return report(ctx, Error{ErrorKind::io, "reading " + (*names)[i] + " back from the " + *backend +
                                                  " backend gave something else; the plaintext files are untouched"});
    }
    ctx.err << "Imported " << (*names)[i] << " into the " << *backend << " backend (verified)\n";
  }

  if (parsed->has("remove-plaintext")) {
    store::PlaintextStore plaintext(ctx.fs, from);
    for (const auto& name : *names) {
      for (const auto& item : {store::session_item(name), store::keys_item(name)}) {
        if (auto gone = plaintext.remove(item); !gone) return report(ctx, gone.error());
      }
      ctx.err << "Shredded the plaintext files of " << name << "\n";
    }
  } else {
    ctx.err << "The plaintext files are still in " << from.string() << "; remove them with --remove-plaintext\n";
  }
  return 0;
}

}  // namespace stsh::cli

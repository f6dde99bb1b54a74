// stsh mfa [NAME] [CODE] (ec2mfa): GetSessionToken with an MFA code,
// cache the session, and switch the shell to it.

#include <array>

#include "aws/endpoint.h"
#include "cli/command_table.h"
#include "cli/profile_support.h"
#include "cli/seed_support.h"
#include "creds/env_credentials.h"
#include "creds/session_cache.h"
#include "creds/validate.h"
#include "util/strings.h"

namespace stsh::cli {

namespace {

constexpr std::array k_specs = {
    util::OptionSpec{"token-code", util::ArgKind::value, "the 6-digit MFA code (else asked on the terminal)", "CODE"},
    util::OptionSpec{"duration", util::ArgKind::value, "session length, 900-129600 (default 43200, STSH_MFA_DURATION)",
                     "SECONDS"},
    util::OptionSpec{"mfa", util::ArgKind::value, "MFA device ARN (default PREFIX + mfa/ + user)", "ARN"},
    util::OptionSpec{"region", util::ArgKind::value, "STS region (default AWS_REGION, AWS_DEFAULT_REGION, us-east-1)",
                     "REGION"},
    util::OptionSpec{"config", util::ArgKind::value, "accounts file", "FILE"},
    util::OptionSpec{"force", util::ArgKind::flag, "ask for a new session even if one is cached"},
    util::OptionSpec{"shell", util::ArgKind::optional_value, "output syntax: sh (default), bash, zsh, fish", "KIND"},
    util::OptionSpec{"help", util::ArgKind::flag, "show this help", "", 'h'},
};

struct MfaRequest {
  std::optional<std::string> account;
  std::optional<std::string> code;
};

Result<MfaRequest> read_positionals(const util::ParsedArgs& args) {
  MfaRequest request;
  if (auto code = args.get("token-code")) request.code = *code;
  for (const auto& word : args.positionals()) {
    // A code may be given bare, as in `ec2mfa 123456`; account names are not numbers.
    if (util::all_digits(word) && !request.code) {
      request.code = word;
    } else if (!request.account) {
      request.account = word;
    } else {
      return fail(ErrorKind::usage, "stsh mfa takes at most an account name and a code");
    }
  }
  return request;
}

Result<int> mfa_duration(Context& ctx, const util::ParsedArgs& args) {
  auto text = args.get("duration");
  std::string what = "--duration";
  if (!text) {
    text = ctx.env.get_nonempty("STSH_MFA_DURATION");
    what = "STSH_MFA_DURATION";
  }
  if (!text) return creds::k_default_mfa_seconds;
  return creds::parse_duration(*text, creds::k_session_token_min_seconds, creds::k_session_token_max_seconds, what);
}

// Every failure of ec2mfa ends with the seed's line, after the reason.
int failed(Context& ctx, const Error& error) {
  int code = report(ctx, error);
  ctx.err << "Failed to set MFA token\n";
  return code;
}

}  // namespace

int run_mfa(Context& ctx, Args args) {
  auto parsed = util::parse_args(args, k_specs, "stsh mfa");
  if (!parsed) return failed(ctx, parsed.error());
  if (parsed->has("help"))
    return print_help(ctx, "eval \"$(stsh mfa [NAME] [CODE])\"   (or the ec2mfa function)", k_specs);
  auto kind = shell_kind_option(*parsed);
  if (!kind) return failed(ctx, kind.error());
  auto request = read_positionals(*parsed);
  if (!request) return failed(ctx, request.error());
  // Everything the user typed is checked before any file or network access.
  if (request->code) {
    if (auto valid = creds::validate_mfa_code(*request->code); !valid) return failed(ctx, valid.error());
  }
  auto duration = mfa_duration(ctx, *parsed);
  if (!duration) return failed(ctx, duration.error());

  if (!request->account) request->account = current_account(ctx.env);
  if (!request->account) {
    ctx.err << "No keys set\n";
    return exit_code(ErrorKind::config);
  }

  creds::CredsDir dir(ctx.fs, creds::CredsDir::default_path(ctx.env));
  if (!dir.has_account(*request->account)) {
    auto resolver = make_resolver(ctx);
    auto is_profile = resolver.is_config_profile(*request->account);
    if (!is_profile) return failed(ctx, is_profile.error());
    bool stored = false;
    if (!*is_profile) {
      // Held in a secret backend? Its cached session answers without unlocking.
      creds::ResolveOptions cached;
      cached.cache_only = true;
      auto session = resolver.resolve(*request->account, cached);
      if (!session && !creds::is_unknown_name(session.error())) return failed(ctx, session.error());
      stored = session.has_value();
      if (stored && !parsed->has("force") && session->complete && session->credentials.is_session()) {
        ctx.err << "MFA STS token already cached\n";
        return switch_to_stored_account(ctx, resolver, *request->account, *kind);
      }
    }
    if (*is_profile || stored) {
      creds::ResolveOptions options;
      options.refresh_mfa = parsed->has("force");
      options.token_code = request->code;
      if (*is_profile) {
        int code = switch_to_profile(ctx, resolver, *request->account, *kind, options);
        if (code != 0) ctx.err << "Failed to set MFA token\n";
        return code;
      }
      // An account imported into a backend: the seed's flow and messages.
      auto session = resolver.resolve(*request->account, options);
      if (!session) return failed(ctx, session.error());
      ctx.err << "Cache is valid for account " << session->name << "\n";
      ctx.err << "Set keys for " << profile_label(*session) << " AWS account\n";
      ctx.err.flush();
      emit_secret(ctx, account_env(session->name, session->credentials).render(*kind));
      return 0;
    }
  }
  auto account = dir.load(*request->account);
  if (!account) return failed(ctx, account.error());
  creds::SessionCache cache(ctx.fs, dir.path());

  if (!parsed->has("force")) {
    auto lookup = cache.lookup(account->name, ctx.clock.now());
    if (lookup.state == creds::CacheState::valid) {
      ctx.err << "MFA STS token already cached\n";
      ctx.err << "Set keys for " << set_for_label(account->name, *lookup.session) << " AWS account\n";
      ctx.err.flush();
      emit_secret(ctx, account_env(account->name, *lookup.session).render(*kind));
      return 0;
    }
    if (lookup.state == creds::CacheState::corrupt) warn(ctx, lookup.problem);
  }

  // Fail before the user spends a code on a session that could not be kept.
  if (!ctx.fs.is_writable_directory(dir.path())) {
    return failed(ctx, Error{ErrorKind::io, "cannot write the session cache in " + dir.path().string() +
                                                ": the directory is not writable; make it writable (chmod u+w)"});
  }

  std::string user = account->user.value_or(creds::unix_user(ctx.env));
  std::string serial;
  if (auto flag = parsed->get("mfa")) {
    serial = *flag;
  } else {
    auto accounts = require_accounts_file(ctx, *parsed, dir.path());
    if (!accounts) return failed(ctx, accounts.error());
    auto prefix = accounts->arn_prefix(account->name);
    if (!prefix) return failed(ctx, prefix.error());
    if (user.empty())
      return failed(ctx, Error{ErrorKind::config, "no IAM user name: set $USER or create " +
                                                      (dir.path() / (account->name + ".user")).string()});
    serial = creds::mfa_serial_arn(*prefix, user);
  }

  if (!request->code) {
    auto typed = ctx.terminal.ask("Enter token for user " + user + ": ", true);
    if (!typed) {
      return failed(ctx, Error{typed.error().kind, typed.error().message +
                                                       ": give the code as an argument, e.g. 'ec2mfa 123456' or "
                                                       "'stsh mfa " +
                                                       account->name + " --token-code 123456'"});
    }
    request->code = std::string(util::trim(typed->reveal()));
    if (auto valid = creds::validate_mfa_code(*request->code); !valid) return failed(ctx, valid.error());
  }

  auto client = ctx.sts.connect(aws::resolve_region(parsed->get("region"), ctx.env));
  if (!client) return failed(ctx, client.error());
  auto session = (*client)->get_session_token(account->keys, {serial, request->code, *duration});
  if (!session) return failed(ctx, session.error());
  if (auto stored = cache.store(account->name, *session); !stored) return failed(ctx, stored.error());

  ctx.err << "Cache is valid for account " << account->name << "\n";
  ctx.err << "Set keys for " << set_for_label(account->name, *session) << " AWS account\n";
  ctx.err.flush();
  emit_secret(ctx, account_env(account->name, *session).render(*kind));
  return 0;
}

}  // namespace stsh::cli

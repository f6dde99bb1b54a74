#include "creds/profile_resolver.h"

#include <algorithm>

#include "aws/endpoint.h"
#include "creds/accounts_file.h"
#include "creds/credential_cache.h"
#include "creds/credential_process.h"
#include "creds/creds_dir.h"
#include "creds/env_credentials.h"
#include "creds/store_slot.h"
#include "creds/validate.h"
#include "store/key_record.h"
#include "util/strings.h"

namespace stsh::creds {

namespace {

// AWS caps a session obtained by role chaining at one hour.
constexpr int k_chained_role_max_seconds = 3600;

ProfileKind kind_of(const ProfileChain& chain) {
  if (!chain.roles.empty()) return ProfileKind::role;
  return std::visit(
      [](const auto& base) {
        using T = std::decay_t<decltype(base)>;
        if constexpr (std::is_same_v<T, StaticKeysSource>) return ProfileKind::keys;
        if constexpr (std::is_same_v<T, ProcessSource>) return ProfileKind::process;
        if constexpr (std::is_same_v<T, NamedSource>) return ProfileKind::environment;
        if constexpr (std::is_same_v<T, WebIdentitySource>) return ProfileKind::web_identity;
        return ProfileKind::sso;
      },
      chain.base);
}

int mfa_session_seconds(const util::Environment& env) {
  if (auto text = env.get_nonempty("STSH_MFA_DURATION")) {
    auto value = parse_duration(*text, k_session_token_min_seconds, k_session_token_max_seconds, "STSH_MFA_DURATION");
    if (value) return *value;
  }
  return k_default_mfa_seconds;
}

}  // namespace

constexpr std::string_view k_unknown_prefix = "unknown profile '";

bool is_unknown_name(const Error& error) {
  return error.kind == ErrorKind::config && error.message.starts_with(k_unknown_prefix);
}

std::string_view profile_kind_name(ProfileKind kind) {
  switch (kind) {
    case ProfileKind::keys: return "keys";
    case ProfileKind::role: return "role";
    case ProfileKind::process: return "process";
    case ProfileKind::environment: return "environment";
    case ProfileKind::sso: return "sso";
    case ProfileKind::web_identity: return "web-identity";
  }
  return "keys";
}

Result<const aws::SharedConfig*> ProfileResolver::config() {
  if (!m_config) {
    auto loaded = aws::load_shared_config(m_deps.fs, m_deps.env);
    if (!loaded) return std::unexpected(loaded.error());
    m_config = std::move(*loaded);
  }
  return &*m_config;
}

Result<bool> ProfileResolver::is_config_profile(std::string_view name) {
  auto cfg = config();
  if (!cfg) return std::unexpected(cfg.error());
  return (*cfg)->profile(name) != nullptr;
}

std::optional<std::string> ProfileResolver::seed_mfa_serial(std::string_view account,
                                                            const std::optional<std::string>& user) {
  // A seed account's keys need MFA when the accounts file knows its prefix.
  CredsDir dir(m_deps.fs, CredsDir::default_path(m_deps.env));
  auto accounts = AccountsFile::find(m_deps.fs, m_deps.env, std::nullopt, dir.path());
  if (!accounts || !*accounts) return std::nullopt;
  auto prefix = (*accounts)->arn_prefix(account);
  if (!prefix) return std::nullopt;
  return mfa_serial_arn(*prefix, user.value_or(unix_user(m_deps.env)));
}

Result<ProfileChain> ProfileResolver::chain_for(std::string_view name, ResolvedProfile& out) {
  auto cfg = config();
  if (!cfg) return std::unexpected(cfg.error());
  if ((*cfg)->profile(name) != nullptr) {
    out.region = (*cfg)->get(name, "region");
    return resolve_profile_chain(**cfg, name);
  }

  CredsDir dir(m_deps.fs, CredsDir::default_path(m_deps.env));
  auto found = dir.find(name);
  if (!found) return std::unexpected(found.error());
  if (auto& account = *found) {
    out.seed_account = true;
    StaticKeysSource keys;
    keys.profile = account->name;
    keys.access_key_id = account->keys.access_key_id;
    keys.secret_access_key = account->keys.secret_access_key;
    keys.mfa_serial = seed_mfa_serial(account->name, account->user);
    return ProfileChain{std::move(keys), {}};
  }
  if (m_deps.store) {
    auto chain = stored_account_chain(name, out);
    if (chain || chain.error().kind != ErrorKind::config || !out.backend.empty()) return chain;
  }
  return fail(ErrorKind::config, std::string(k_unknown_prefix) + std::string(name) + "': not in " +
                                     aws::config_locations(m_deps.env).config.string() + " or " +
                                     aws::config_locations(m_deps.env).credentials.string() +
                                     ", no seed account of that name in " + dir.path().string() +
                                     ", and none added with 'stsh add' (see 'stsh list')");
}

Result<ProfileChain> ProfileResolver::stored_account_chain(std::string_view name, ResolvedProfile& out) {
  auto store = m_deps.store();
  if (!store) return std::unexpected(store.error());
  auto value = (*store)->get(store::keys_item(name));
  if (!value) {
    out.backend = std::string((*store)->backend());
    return std::unexpected(value.error());
  }
  if (!*value) return fail(ErrorKind::config, "not stored");
  auto record = store::decode_key_record(**value, store::keys_item(name));
  out.backend = std::string((*store)->backend());
  if (!record) return std::unexpected(record.error());
  StaticKeysSource keys;
  keys.profile = util::to_lower(name);
  keys.access_key_id = record->keys.access_key_id;
  keys.secret_access_key = record->keys.secret_access_key;
  if (record->mfa_serial) {
    keys.mfa_serial = record->mfa_serial;
  } else if (record->arn_prefix) {
    keys.mfa_serial = mfa_serial_arn(*record->arn_prefix, record->user.value_or(unix_user(m_deps.env)));
  } else {
    keys.mfa_serial = seed_mfa_serial(keys.profile, record->user);
  }
  return ProfileChain{std::move(keys), {}};
}

Result<aws::Credentials> ProfileResolver::base_credentials(const ProfileChain& chain) {
  if (auto* keys = std::get_if<StaticKeysSource>(&chain.base)) {
    aws::Credentials c;
    c.access_key_id = keys->access_key_id;
    c.secret_access_key = keys->secret_access_key;
    c.session_token = keys->session_token;
    return c;
  }
  if (auto* process = std::get_if<ProcessSource>(&chain.base)) {
    return run_credential_process(process->command, process->profile);
  }
  if (auto* named = std::get_if<NamedSource>(&chain.base)) {
    if (named->name == "Environment") {
      auto from_env = credentials_from_env(m_deps.env);
      if (!from_env) {
        return fail(ErrorKind::config,
                    "credential_source = Environment, but AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY are not set");
      }
      return std::move(*from_env);
    }
    return fail(ErrorKind::config, "credential_source = " + named->name +
                                       " is not supported by stsh (it runs where no instance metadata is); "
                                       "use source_profile or Environment");
  }
  if (std::holds_alternative<WebIdentitySource>(chain.base)) {
    return fail(ErrorKind::config, "web_identity_token_file profiles are not supported by stsh yet; use the AWS CLI");
  }
  return fail(ErrorKind::config, "SSO profiles are not supported by stsh yet; run 'aws sso login' and use the AWS CLI");
}

std::string ProfileResolver::sts_region(const std::optional<std::string>& profile_region) const {
  return profile_region ? *profile_region : aws::resolve_region(std::nullopt, m_deps.env);
}

Result<std::string> ProfileResolver::mfa_code(std::string_view serial, bool seed_account, const std::string& profile,
                                              const ResolveOptions& options) {
  std::string code;
  if (options.token_code) {
    code = *options.token_code;
  } else {
    std::string prompt = "Enter MFA code for " + std::string(serial) + ": ";
    if (seed_account) prompt = "Enter token for user " + std::string(serial.substr(serial.rfind('/') + 1)) + ": ";
    auto typed = m_deps.terminal.ask(prompt, true);
    if (!typed) {
      return fail(ErrorKind::interaction, "profile " + profile +
                                              " needs an MFA code and there is no terminal to ask on: "
                                              "run 'stsh mfa " +
                                              profile + "' in a terminal first");
    }
    code = std::string(util::trim(typed->reveal()));
  }
  if (auto valid = validate_mfa_code(code); !valid) return std::unexpected(valid.error());
  return code;
}

Result<ResolvedProfile> ProfileResolver::resolve(std::string_view name, const ResolveOptions& options) {
  ResolvedProfile out;
  out.name = std::string(name);
  // The warm path of an account held in a secret backend: its session's
  // runtime copy, without unlocking the backend for the keys.
  if (!options.refresh_mfa && options.visited == nullptr) {
    auto cfg = config();
    if (!cfg) return std::unexpected(cfg.error());
    CredsDir dir(m_deps.fs, CredsDir::default_path(m_deps.env));
    if ((*cfg)->profile(name) == nullptr && !dir.has_account(name)) {
      if (auto copy =
              runtime_copy(m_deps.fs, runtime_cache_dir(m_deps.env), store::session_item(name), m_deps.clock.now())) {
        out.backend = "runtime copy";
        out.credentials = std::move(*copy);
        return out;
      }
    }
  }
  auto chain = chain_for(name, out);
  if (!chain) return std::unexpected(chain.error());
  out.kind = kind_of(*chain);

  if (options.cache_only && std::holds_alternative<ProcessSource>(chain->base)) {
    out.complete = false;
    return out;
  }
  auto creds = base_credentials(*chain);
  if (!creds) return std::unexpected(creds.error());
  // One STS step through its slot; with cache_only, a look and nothing more
  // (no lock: `list` must never wait behind a prompt).
  bool stopped = false;
  auto run_step = [&](CacheSlot& slot, const std::function<Result<aws::Credentials>()>& produce,
                      bool refresh) -> Result<aws::Credentials> {
    if (options.cache_only) {
      auto found = slot.lookup(m_deps.clock.now());
      if (found.session) return std::move(*found.session);
      stopped = true;
      return fail(ErrorKind::config, "no cached session");
    }
    return refresh ? produce_fresh(slot, produce, m_deps.notice)
                   : cached_or_produce(slot, m_deps.clock, produce, m_deps.notice);
  };
  auto partial = [&]() -> Result<ResolvedProfile> {
    out.credentials = std::move(*creds);
    out.complete = false;
    return out;
  };

  CredentialCache cache(m_deps.fs, CredentialCache::default_dir(m_deps.env), CredentialCache::lock_timeout(m_deps.env));
  auto timeout = CredentialCache::lock_timeout(m_deps.env);
  std::string region = sts_region(out.region);
  // Sessions go where the keys are: a secret backend's, else the file cache.
  store::SecretStore* backend_store = nullptr;
  if (!out.backend.empty()) {
    auto opened = m_deps.store();
    if (!opened) return std::unexpected(opened.error());
    backend_store = *opened;
  }
  auto slot_for = [&](const CacheKey& key) -> std::unique_ptr<CacheSlot> {
    if (backend_store == nullptr) return cache.slot(key);
    std::string item = key.kind == "session" ? store::session_item(out.name)
                                             : "session/" + key.file_name().substr(0, key.file_name().size() - 5);
    return store_slot(*backend_store, item, m_deps.fs, runtime_cache_dir(m_deps.env), timeout);
  };
  std::unique_ptr<aws::StsService> sts;
  auto service = [&]() -> Result<aws::StsService*> {
    if (!sts) {
      auto made = m_deps.sts(region);
      if (!made) return std::unexpected(made.error());
      sts = std::move(*made);
    }
    return sts.get();
  };

  // aws-vault's model: MFA once per source identity, as a GetSessionToken
  // session that every role sharing that source reuses.
  std::optional<std::string> serial;
  if (!chain->roles.empty() && chain->roles.front().mfa_serial) serial = chain->roles.front().mfa_serial;
  auto* keys = std::get_if<StaticKeysSource>(&chain->base);
  if (!serial && keys) serial = keys->mfa_serial;
  bool mfa_done = false;
  if (serial && keys && keys->session_token.empty()) {
    int duration = mfa_session_seconds(m_deps.env);
    auto slot = out.seed_account ? seed_account_slot(m_deps.fs, CredsDir::default_path(m_deps.env), out.name, timeout)
                                 : slot_for({"session", creds->access_key_id, "", *serial, "", "", duration});
    auto produce = [&]() -> Result<aws::Credentials> {
      auto code = mfa_code(*serial, out.seed_account || !out.backend.empty(), out.name, options);
      if (!code) return std::unexpected(code.error());
      auto client = service();
      if (!client) return std::unexpected(client.error());
      return (*client)->get_session_token(*creds, {*serial, *code, duration});
    };
    auto session = run_step(*slot, produce, options.refresh_mfa);
    if (options.visited != nullptr) options.visited->push_back(std::move(slot));
    if (stopped) return partial();
    if (!session) return std::unexpected(session.error());
    creds = std::move(*session);
    mfa_done = true;
  }

  std::string user = unix_user(m_deps.env);
  for (std::size_t i = 0; i < chain->roles.size(); ++i) {
    const AssumeRoleStep& step = chain->roles[i];
    aws::AssumeRoleParams params;
    params.role_arn = step.role_arn;
    params.role_session_name = step.role_session_name.value_or(default_session_name(user));
    params.external_id = step.external_id;
    int duration = step.duration_seconds.value_or(k_default_role_seconds);
    bool clamped = i > 0 && duration > k_chained_role_max_seconds;
    const int asked = duration;
    if (clamped) duration = k_chained_role_max_seconds;
    params.duration_seconds = duration;
    // Without a GetSessionToken session (the source already had a token),
    // MFA goes on the AssumeRole call itself.
    bool mfa_on_call = step.mfa_serial && !mfa_done && i == 0;
    if (mfa_on_call) params.mfa_serial = step.mfa_serial;
    CacheKey key{"role",
                 creds->access_key_id,
                 step.role_arn,
                 params.mfa_serial.value_or(""),
                 step.external_id.value_or(""),
                 params.role_session_name,
                 duration};
    auto slot = slot_for(key);
    const aws::Credentials caller = *creds;
    auto produce = [&]() -> Result<aws::Credentials> {
      if (clamped) {
        m_deps.notice("notice: profile " + step.profile + ": duration_seconds " + std::to_string(asked) +
                      " lowered to 3600, the most AWS allows for a chained role");
      }
      aws::AssumeRoleParams call = params;
      if (mfa_on_call) {
        auto code = mfa_code(*step.mfa_serial, false, step.profile, options);
        if (!code) return std::unexpected(code.error());
        call.token_code = *code;
      }
      auto client = service();
      if (!client) return std::unexpected(client.error());
      return (*client)->assume_role(caller, call);
    };
    auto role = run_step(*slot, produce, false);
    if (options.visited != nullptr) options.visited->push_back(std::move(slot));
    if (stopped) return partial();
    if (!role) return std::unexpected(role.error());
    creds = std::move(*role);
  }
  out.credentials = std::move(*creds);
  return out;
}

Result<aws::Credentials> ProfileResolver::base_keys(std::string_view name) {
  ResolvedProfile out;
  auto found = chain_for(name, out);
  if (!found) return std::unexpected(found.error());
  return base_credentials(*found);
}

Result<int> ProfileResolver::forget(std::string_view name) {
  if (auto known = chain(name); !known) return std::unexpected(known.error());
  std::vector<std::unique_ptr<CacheSlot>> visited;
  ResolveOptions options;
  options.cache_only = true;
  options.visited = &visited;
  // Resolution stops at the first step with no cached session; what it
  // visited up to there is all that belongs to this profile.
  (void)resolve(name, options);
  int removed = 0;
  for (auto& slot : visited) {
    if (slot->lookup(m_deps.clock.now()).state == CacheState::absent) continue;
    if (auto gone = slot->remove(); !gone) return std::unexpected(gone.error());
    ++removed;
  }
  return removed;
}

Result<std::vector<ProfileSummary>> ProfileResolver::list() {
  auto cfg = config();
  if (!cfg) return std::unexpected(cfg.error());
  std::vector<ProfileSummary> out;
  for (const auto& [name, properties] : (*cfg)->profiles) {
    auto chain = resolve_profile_chain(**cfg, name);
    ProfileSummary summary{name, chain ? kind_of(*chain) : ProfileKind::keys, false, "", std::nullopt};
    if (!chain) summary.error = chain.error().message;
    out.push_back(std::move(summary));
  }
  auto listed = [&](std::string_view name) {
    return std::any_of(out.begin(), out.end(), [&](const ProfileSummary& p) { return p.name == name; });
  };
  CredsDir dir(m_deps.fs, CredsDir::default_path(m_deps.env));
  if (dir.exists()) {
    auto names = dir.account_names();
    for (const auto& name : names ? *names : std::vector<std::string>{}) {
      if (!listed(name)) out.push_back({name, ProfileKind::keys, true, "", std::nullopt});
    }
  }
  if (m_deps.store) {
    auto store = m_deps.store();
    if (!store) return std::unexpected(store.error());
    auto items = (*store)->list();
    if (!items) return std::unexpected(items.error());
    for (const auto& item : *items) {
      if (!item.name.starts_with("keys/")) continue;
      std::string name = item.name.substr(5);
      if (!listed(name))
        out.push_back({name, ProfileKind::keys, false, std::string((*store)->backend()), std::nullopt});
    }
  }
  return out;
}

}  // namespace stsh::creds

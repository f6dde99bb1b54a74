#include <gtest/gtest.h>

#include "creds/session_cache.h"
#include "creds/store_slot.h"
#include "store/backends.h"
#include "store/key_record.h"
#include "store/plaintext_store.h"
#include "util/time_format.h"

namespace stsh::store {
namespace {

using namespace std::chrono_literals;

// An in-memory backend, to test what sits on top of the interface.
class MemoryStore final : public SecretStore {
 public:
  std::map<std::string, std::string> items;
  int gets = 0;
  std::string_view backend() const override { return "memory"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override {
    ++gets;
    auto it = items.find(std::string(item));
    if (it == items.end()) return std::optional<util::Secret>{};
    return std::optional<util::Secret>(util::Secret(it->second));
  }
  Result<void> put(std::string_view item, const util::Secret& value, std::optional<util::TimePoint>) override {
    items[std::string(item)] = std::string(value.reveal());
    return {};
  }
  Result<void> remove(std::string_view item) override {
    items.erase(std::string(item));
    return {};
  }
  Result<std::vector<ItemInfo>> list() override {
    std::vector<ItemInfo> out;
    for (const auto& [name, value] : items) out.push_back({name, std::nullopt});
    return out;
  }
};

TEST(KeyRecord, RoundTripAndNames) {
  KeyRecord record;
  record.keys.access_key_id = "AKIAEXAMPLE";
  record.keys.secret_access_key = util::Secret("s\"/+=");
  record.user = "jb";
  record.arn_prefix = "arn:aws:iam::1:";
  auto back = decode_key_record(encode_key_record(record), "keys/work");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->keys.secret_access_key.reveal(), "s\"/+=");
  EXPECT_EQ(back->user, "jb");
  EXPECT_EQ(back->arn_prefix, "arn:aws:iam::1:");
  EXPECT_FALSE(back->mfa_serial);
  EXPECT_FALSE(decode_key_record(util::Secret("{}"), "keys/x"));
  EXPECT_EQ(keys_item("Work"), "keys/work");
  EXPECT_EQ(session_item("Work"), "session/work");
}

TEST(PlaintextStore, MapsItemsToTheSeedLayout) {
  util::MemoryFileSystem fs;
  fs.make_private_directory("/h/aws-creds");
  PlaintextStore store(fs, "/h/aws-creds");
  KeyRecord record;
  record.keys.access_key_id = "AKIAEXAMPLE";
  record.keys.secret_access_key = util::Secret("secret");
  record.user = "jb";
  ASSERT_TRUE(store.put("keys/work", encode_key_record(record), std::nullopt));
  EXPECT_EQ(fs.files().at("/h/aws-creds/work.access_key"), "AKIAEXAMPLE\n");
  EXPECT_EQ(fs.files().at("/h/aws-creds/work.secret_key"), "secret\n");
  EXPECT_EQ(fs.files().at("/h/aws-creds/work.user"), "jb\n");
  auto back = store.get("keys/work");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ(decode_key_record(**back, "keys/work")->keys.secret_access_key.reveal(), "secret");
  auto items = store.list();
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].name, "keys/work");
  ASSERT_TRUE(store.remove("keys/work"));
  EXPECT_FALSE(fs.files().contains("/h/aws-creds/work.secret_key"));
  EXPECT_FALSE(store.get("keys/../etc"));
}

TEST(Backends, ChoiceOrderFlagEnvConfig) {
  util::MemoryFileSystem fs;
  util::MapEnvironment env;
  env.set("HOME", "/h");
  util::FixedClock clock{util::TimePoint{}};
  class NoTerminal final : public util::Terminal {
    Result<util::Secret> ask(std::string_view, bool) override { return fail(ErrorKind::interaction, "none"); }
  } terminal;
  StoreDeps deps{fs, env, clock, terminal, [] { return std::string("/nonexistent/bin/stsh"); }};
  // Nothing chosen and no helper for secret-service: the file backend.
  EXPECT_EQ(choose_backend(std::nullopt, deps), "file");
  fs.add_file("/h/.config/stsh/config", "# mine\nbackend = keyctl\n");
  EXPECT_EQ(choose_backend(std::nullopt, deps), "keyctl");
  env.set("STSH_BACKEND", "plaintext");
  EXPECT_EQ(choose_backend(std::nullopt, deps), "plaintext");
  EXPECT_EQ(choose_backend(std::string("file"), deps), "file");
  auto unknown = choose_backend(std::string("vault"), deps);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::usage);
  fs.add_file("/h/.config/stsh/config", "backend\n");
  env.set("STSH_BACKEND", "");
  auto malformed = choose_backend(std::nullopt, deps);
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message.find("config:1"), std::string::npos);
}

TEST(StoreSlot, RuntimeCopySparesTheBackend) {
  util::MemoryFileSystem fs;
  MemoryStore backend;
  util::TimePoint now = *util::parse_iso8601("2026-11-24T10:00:00Z");
  aws::Credentials session;
  session.access_key_id = "ASIA";
  session.secret_access_key = util::Secret("s");
  session.session_token = util::Secret("t");
  session.expiration = now + 1h;
  auto slot = creds::store_slot(backend, "session/work", fs, "/run/user/0/stsh", 1s);
  ASSERT_TRUE(slot->store(session));
  EXPECT_TRUE(backend.items.contains("session/work"));
  int before = backend.gets;
  EXPECT_EQ(slot->lookup(now).state, creds::CacheState::valid);
  EXPECT_EQ(backend.gets, before);  // served from the runtime copy

  // Runtime copy gone (logout): the backend still has it, and the copy returns.
  fs.remove_file("/run/user/0/stsh/session.work.json");
  EXPECT_EQ(slot->lookup(now).state, creds::CacheState::valid);
  EXPECT_EQ(backend.gets, before + 1);
  EXPECT_TRUE(fs.files().contains("/run/user/0/stsh/session.work.json"));

  ASSERT_TRUE(slot->remove());
  EXPECT_FALSE(backend.items.contains("session/work"));
  EXPECT_EQ(slot->lookup(now).state, creds::CacheState::absent);
}

}  // namespace
}  // namespace stsh::store

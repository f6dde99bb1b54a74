// Runs against the real kernel keyring; skipped where keyctl is forbidden.

#include <gtest/gtest.h>
#include <keyutils.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "store/keyctl_store_linux.h"
#include "util/time_format.h"

namespace stsh::store {
namespace {

using namespace std::chrono_literals;

// Unique per run, so parallel runs and a user's real items never collide.
std::string run_prefix() {
  static const std::string prefix =
      "session/stsh-unit-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()) + "/";
  return prefix;
}

// The timeout column of /proc/keys ("perm" when none); empty if not listed.
std::string proc_keys_timeout(key_serial_t id) {
  std::ifstream in("/proc/keys");
  std::string line;
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "%08x ", static_cast<unsigned>(id));
  while (std::getline(in, line)) {
    if (!line.starts_with(wanted)) continue;
    // id flags usage timeout ...
    std::istringstream fields(line);
    std::string serial, flags, usage, timeout;
    fields >> serial >> flags >> usage >> timeout;
    return timeout;
  }
  return "";
}

key_serial_t key_id(const std::string& description) {
  return static_cast<key_serial_t>(keyctl_search(KEY_SPEC_USER_KEYRING, "user", description.c_str(), 0));
}

class KeyctlStoreTest : public ::testing::Test {
 protected:
  util::FixedClock m_clock{*util::parse_iso8601("2026-11-24T10:00:00Z")};
  KeyctlStore m_store{m_clock};

  void SetUp() override {
    auto availability = KeyctlStore::probe();
    if (!availability.available) {
      GTEST_SKIP() << availability.detail;
    }
  }
  void TearDown() override {
    auto items = m_store.list();
    if (!items) return;
    for (const auto& info : *items) {
      if (info.name.starts_with(run_prefix())) {
        EXPECT_TRUE(m_store.remove(info.name)) << info.name;
      }
    }
  }
  std::string item(std::string_view name) const { return run_prefix() + std::string(name); }
  std::vector<ItemInfo> ours() {
    auto items = m_store.list();
    EXPECT_TRUE(items) << items.error().message;
    std::vector<ItemInfo> out;
    for (auto& info : *items) {
      if (info.name.starts_with(run_prefix())) out.push_back(info);
    }
    return out;
  }
};

TEST_F(KeyctlStoreTest, ProbeStatesThePersistence) {
  auto availability = KeyctlStore::probe();
  EXPECT_NE(availability.detail.find("until the user's last session ends or the machine reboots"), std::string::npos);
}

TEST_F(KeyctlStoreTest, RoundTripAndList) {
  util::TimePoint expiry = m_clock.now() + 1h;
  ASSERT_TRUE(m_store.put(item("a"), util::Secret("{\"secret\":\"x\"}"), expiry));
  ASSERT_TRUE(m_store.put(item("b c;d"), util::Secret("keys value"), std::nullopt));
  auto got = m_store.get(item("a"));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->reveal(), "{\"secret\":\"x\"}");
  EXPECT_EQ((*m_store.get(item("b c;d")))->reveal(), "keys value");
  auto items = ours();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].name, item("a"));
  EXPECT_EQ(items[0].expiration, expiry);
  EXPECT_EQ(items[1].name, item("b c;d"));
  EXPECT_EQ(items[1].expiration, std::nullopt);
}

TEST_F(KeyctlStoreTest, ValueLargerThanTheFirstReadBuffer) {
  std::string big(6000, 'k');
  big.back() = 'z';
  ASSERT_TRUE(m_store.put(item("big"), util::Secret(big), std::nullopt));
  auto got = m_store.get(item("big"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ((*got)->reveal(), big);
}

TEST_F(KeyctlStoreTest, MissingItemIsAbsent) {
  auto got = m_store.get(item("never"));
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  EXPECT_TRUE(m_store.remove(item("never")));
}

TEST_F(KeyctlStoreTest, PutUpdatesTheSameKeyInPlace) {
  ASSERT_TRUE(m_store.put(item("a"), util::Secret("old"), m_clock.now() + 1h));
  key_serial_t before = key_id("stsh:" + item("a"));
  ASSERT_GT(before, 0);
  ASSERT_TRUE(m_store.put(item("a"), util::Secret("new, and longer than before"), std::nullopt));
  EXPECT_EQ(key_id("stsh:" + item("a")), before);
  EXPECT_EQ((*m_store.get(item("a")))->reveal(), "new, and longer than before");
  auto items = ours();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].expiration, std::nullopt) << "the expiry key goes with the expiration";
  EXPECT_LT(key_id("stsh-exp:" + item("a")), 0);
}

TEST_F(KeyctlStoreTest, PermissionsAndTimeout) {
  ASSERT_TRUE(m_store.put(item("timed"), util::Secret("v"), m_clock.now() + 2h));
  ASSERT_TRUE(m_store.put(item("forever"), util::Secret("v"), std::nullopt));
  key_serial_t timed = key_id("stsh:" + item("timed"));
  char* text = nullptr;
  ASSERT_GE(keyctl_describe_alloc(timed, &text), 0);
  std::string description = text;
  std::free(text);
  // type;uid;gid;perm;description
  auto perm_at = description.find(';', description.find(';', description.find(';') + 1) + 1) + 1;
  auto perm = std::stoul(description.substr(perm_at, 8), nullptr, 16);
  EXPECT_EQ(perm, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH | KEY_USR_SETATTR);
  std::string timeout = proc_keys_timeout(timed);
  if (timeout.empty()) {
    GTEST_SKIP() << "/proc/keys does not list the key";
  }
  EXPECT_NE(timeout, "perm");
  EXPECT_EQ(proc_keys_timeout(key_id("stsh:" + item("forever"))), "perm");
}

TEST_F(KeyctlStoreTest, KernelDropsAnExpiredItem) {
  ASSERT_TRUE(m_store.put(item("short"), util::Secret("v"), m_clock.now() - 1h));
  EXPECT_TRUE(*m_store.get(item("short")));
  std::this_thread::sleep_for(2100ms);
  auto got = m_store.get(item("short"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(*got);
}

TEST_F(KeyctlStoreTest, RemoveDeletesValueAndExpiry) {
  ASSERT_TRUE(m_store.put(item("a"), util::Secret("v"), m_clock.now() + 1h));
  ASSERT_TRUE(m_store.remove(item("a")));
  EXPECT_FALSE(*m_store.get(item("a")));
  EXPECT_LT(key_id("stsh-exp:" + item("a")), 0);
  EXPECT_TRUE(ours().empty());
}

// A new login (e.g. over SSH) gets a session keyring that does not link
// the user keyring, so it does not possess our keys: the user bits must do.
TEST_F(KeyctlStoreTest, ReadableFromAnotherSession) {
  ASSERT_TRUE(m_store.put(item("shared"), util::Secret("from the first session"), std::nullopt));
  std::string control = "stsh:" + item("control");
  key_serial_t control_id = add_key("user", control.c_str(), "x", 1, KEY_SPEC_USER_KEYRING);  // default perms
  ASSERT_GT(control_id, 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (keyctl_join_session_keyring(nullptr) < 0) ::_exit(10);
    KeyctlStore other(m_clock);
    auto shared = other.get(item("shared"));
    if (!shared || !*shared || (*shared)->reveal() != "from the first session") ::_exit(11);
    // Without the user bits the read is refused: proves the test can tell.
    auto unreadable = other.get(item("control"));
    if (unreadable || unreadable.error().message.find("denied") == std::string::npos) ::_exit(12);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  keyctl_invalidate(control_id);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(KeyctlStoreTest, RejectsUnusableNames) {
  EXPECT_EQ(m_store.put("", util::Secret("v"), std::nullopt).error().kind, ErrorKind::usage);
  EXPECT_EQ(m_store.get(std::string("a\0b", 3)).error().kind, ErrorKind::usage);
}

}  // namespace
}  // namespace stsh::store

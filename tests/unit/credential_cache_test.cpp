#include "creds/credential_cache.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::creds {
namespace {

using namespace std::chrono_literals;

aws::Credentials session(std::string id, util::TimePoint expiration) {
  aws::Credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = util::Secret("s");
  c.session_token = util::Secret("t");
  c.expiration = expiration;
  return c;
}

class CredentialCacheTest : public ::testing::Test {
 protected:
  util::MemoryFileSystem m_fs;
  util::FixedClock m_clock{*util::parse_iso8601("2026-11-24T10:00:00Z")};
  CredentialCache m_cache{m_fs, "/h/.cache/stsh", 1s};
  std::vector<std::string> m_warnings;
  std::function<void(std::string_view)> m_warn = [this](std::string_view w) { m_warnings.emplace_back(w); };
  CacheKey m_key{"role", "ASIASOURCE", "arn:aws:iam::1:role/r", "", "", "stsh-u", 3600};
};

TEST_F(CredentialCacheTest, KeyCoversEveryField) {
  CacheKey other = m_key;
  EXPECT_EQ(other.file_name(), m_key.file_name());
  for (auto mutate : std::vector<std::function<void(CacheKey&)>>{
           [](CacheKey& k) { k.kind = "session"; }, [](CacheKey& k) { k.source = "X"; },
           [](CacheKey& k) { k.role_arn = "X"; }, [](CacheKey& k) { k.mfa_serial = "X"; },
           [](CacheKey& k) { k.external_id = "X"; }, [](CacheKey& k) { k.session_name = "X"; },
           [](CacheKey& k) { k.duration_seconds = 900; }}) {
    CacheKey changed = m_key;
    mutate(changed);
    EXPECT_NE(changed.canonical(), m_key.canonical());
    EXPECT_NE(changed.file_name(), m_key.file_name());
  }
}

TEST_F(CredentialCacheTest, ProducesOnceThenServesFromCache) {
  int calls = 0;
  auto produce = [&]() -> Result<aws::Credentials> {
    ++calls;
    return session("ASIAFRESH", m_clock.now() + 1h);
  };
  auto slot = m_cache.slot(m_key);
  auto first = cached_or_produce(*slot, m_clock, produce, m_warn);
  ASSERT_TRUE(first);
  auto second = cached_or_produce(*m_cache.slot(m_key), m_clock, produce, m_warn);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->access_key_id, "ASIAFRESH");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(CredentialCacheTest, ExpiredEntryIsReplaced) {
  int calls = 0;
  auto produce = [&]() -> Result<aws::Credentials> {
    ++calls;
    return session("ASIA" + std::to_string(calls), m_clock.now() + 1h);
  };
  ASSERT_TRUE(cached_or_produce(*m_cache.slot(m_key), m_clock, produce, m_warn));
  m_clock.set(m_clock.now() + 56min);  // within the 5-minute margin
  auto again = cached_or_produce(*m_cache.slot(m_key), m_clock, produce, m_warn);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->access_key_id, "ASIA2");
}

TEST_F(CredentialCacheTest, CorruptEntryWarnsAndIsReplaced) {
  m_fs.add_file(util::Path("/h/.cache/stsh") / m_key.file_name(), "{\"AccessKeyId\": \"trunc");
  auto fresh = cached_or_produce(
      *m_cache.slot(m_key), m_clock,
      [&]() -> Result<aws::Credentials> { return session("ASIANEW", m_clock.now() + 1h); }, m_warn);
  ASSERT_TRUE(fresh);
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_NE(m_warnings[0].find("corrupt"), std::string::npos);
  EXPECT_EQ(m_cache.slot(m_key)->lookup(m_clock.now()).state, CacheState::valid);
}

TEST_F(CredentialCacheTest, EntryOfAnotherKeyIsNeverReturned) {
  auto slot = m_cache.slot(m_key);
  ASSERT_TRUE(slot->store(session("ASIAMINE", m_clock.now() + 1h)));
  // Simulate a hash collision: another key's entry under this file name.
  auto path = util::Path("/h/.cache/stsh") / m_key.file_name();
  std::string text = *m_fs.read_file(path).value();
  auto pos = text.find("role=arn:aws:iam::1:role/r");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 26, "role=arn:aws:iam::2:role/x");
  m_fs.add_file(path, text);
  EXPECT_EQ(slot->lookup(m_clock.now()).state, CacheState::absent);
}

TEST_F(CredentialCacheTest, FailedProductionIsNotCached) {
  auto failed = cached_or_produce(
      *m_cache.slot(m_key), m_clock,
      []() -> Result<aws::Credentials> { return fail(ErrorKind::aws, "AccessDenied: x"); }, m_warn);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "AccessDenied: x");
  EXPECT_EQ(m_cache.slot(m_key)->lookup(m_clock.now()).state, CacheState::absent);
}

TEST_F(CredentialCacheTest, ClearRemovesEveryEntry) {
  ASSERT_TRUE(m_cache.slot(m_key)->store(session("ASIA1", m_clock.now() + 1h)));
  CacheKey other{"session", "AKIASRC", "", "arn:mfa", "", "", 43200};
  ASSERT_TRUE(m_cache.slot(other)->store(session("ASIA2", m_clock.now() + 2h)));
  EXPECT_EQ(m_cache.slot(m_key)->lookup(m_clock.now()).state, CacheState::valid);
  EXPECT_EQ(m_cache.slot(other)->lookup(m_clock.now()).state, CacheState::valid);
  auto cleared = m_cache.clear();
  ASSERT_TRUE(cleared);
  EXPECT_EQ(*cleared, 2);
  EXPECT_EQ(m_cache.slot(m_key)->lookup(m_clock.now()).state, CacheState::absent);
  EXPECT_EQ(m_cache.slot(other)->lookup(m_clock.now()).state, CacheState::absent);
}

TEST(CredentialCacheDir, XdgAndOverride) {
  util::MapEnvironment env;
  env.set("HOME", "/h");
  EXPECT_EQ(CredentialCache::default_dir(env), util::Path("/h/.cache/stsh"));
  env.set("XDG_CACHE_HOME", "/x");
  EXPECT_EQ(CredentialCache::default_dir(env), util::Path("/x/stsh"));
  env.set("STSH_CACHE_DIR", "/o");
  EXPECT_EQ(CredentialCache::default_dir(env), util::Path("/o"));
  EXPECT_EQ(CredentialCache::lock_timeout(env), std::chrono::seconds(120));
  env.set("STSH_LOCK_TIMEOUT", "3");
  EXPECT_EQ(CredentialCache::lock_timeout(env), std::chrono::seconds(3));
}

}  // namespace
}  // namespace stsh::creds

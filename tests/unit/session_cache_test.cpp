#include "creds/session_cache.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::creds {
namespace {

using namespace std::chrono_literals;

aws::Credentials session_expiring(util::TimePoint at) {
  aws::Credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = util::Secret("s/e+c=r'e\"t");
  c.session_token = util::Secret("tok");
  c.expiration = at;
  return c;
}

class SessionCacheTest : public ::testing::Test {
 protected:
  util::MemoryFileSystem m_fs;
  util::Path m_dir = "/h/aws-creds";
  util::TimePoint m_now = *util::parse_iso8601("2026-11-24T10:00:00Z");
  void SetUp() override { m_fs.make_private_directory(m_dir); }
};

TEST_F(SessionCacheTest, RoundTrip) {
  SessionCache cache(m_fs, m_dir);
  ASSERT_TRUE(cache.store("Work", session_expiring(m_now + 1h)));
  EXPECT_TRUE(m_fs.files().contains(m_dir / ".cache.work.json"));
  auto found = cache.lookup("work", m_now);
  ASSERT_EQ(found.state, CacheState::valid);
  EXPECT_EQ(found.session->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(found.session->secret_access_key.reveal(), "s/e+c=r'e\"t");
  EXPECT_EQ(found.session->session_token.reveal(), "tok");
  EXPECT_EQ(found.session->expiration, m_now + 1h);
}

TEST_F(SessionCacheTest, AbsentEntry) {
  SessionCache cache(m_fs, m_dir);
  EXPECT_EQ(cache.lookup("work", m_now).state, CacheState::absent);
}

TEST_F(SessionCacheTest, ExpiryUsesAbsoluteTimeWithFiveMinuteMargin) {
  SessionCache cache(m_fs, m_dir);
  ASSERT_TRUE(cache.store("work", session_expiring(m_now + 5min + 1s)));
  EXPECT_EQ(cache.lookup("work", m_now).state, CacheState::valid);
  ASSERT_TRUE(cache.store("work", session_expiring(m_now + 5min)));
  EXPECT_EQ(cache.lookup("work", m_now).state, CacheState::expired);
  ASSERT_TRUE(cache.store("work", session_expiring(m_now - 1h)));
  EXPECT_EQ(cache.lookup("work", m_now).state, CacheState::expired);
}

TEST_F(SessionCacheTest, CorruptEntriesReportedNotFatal) {
  SessionCache cache(m_fs, m_dir);
  for (const char* text : {"", "{", "[]", R"({"AccessKeyId": "A"})",
                           R"({"AccessKeyId":"A","SecretAccessKey":"B","SessionToken":"C","Expiration":"soon"})"}) {
    m_fs.add_file(m_dir / ".cache.work.json", text);
    auto found = cache.lookup("work", m_now);
    EXPECT_EQ(found.state, CacheState::corrupt) << text;
    EXPECT_NE(found.problem.find(".cache.work.json"), std::string::npos);
  }
}

TEST_F(SessionCacheTest, SymlinkedEntryIsRefused) {
  m_fs.add_symlink(m_dir / ".cache.work.json");
  SessionCache cache(m_fs, m_dir);
  auto stored = cache.store("work", session_expiring(m_now + 1h));
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().kind, ErrorKind::io);
  auto found = cache.lookup("work", m_now);
  EXPECT_EQ(found.state, CacheState::corrupt);
  EXPECT_NE(found.problem.find("symbolic link"), std::string::npos);
}

TEST_F(SessionCacheTest, ReadOnlyDirectoryIsIoError) {
  m_fs.set_read_only(m_dir);
  SessionCache cache(m_fs, m_dir);
  auto stored = cache.store("work", session_expiring(m_now + 1h));
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().kind, ErrorKind::io);
}

}  // namespace
}  // namespace stsh::creds

#include "creds/creds_dir.h"

#include <gtest/gtest.h>

#include "creds/accounts_file.h"

namespace stsh::creds {
namespace {

class CredsDirTest : public ::testing::Test {
 protected:
  util::MemoryFileSystem m_fs;
  util::Path m_dir = "/home/u/aws-creds";
};

TEST_F(CredsDirTest, ListsAccountsSortedAndLowerCased) {
  m_fs.add_file(m_dir / "work.access_key", "AKIA1\n");
  m_fs.add_file(m_dir / "work.secret_key", "s1\n");
  m_fs.add_file(m_dir / "Personal.access_key", "AKIA2");
  m_fs.add_file(m_dir / ".cache.work.json", "{}");
  CredsDir dir(m_fs, m_dir);
  auto names = dir.account_names();
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"personal", "work"}));
}

TEST_F(CredsDirTest, LoadTrimsTrailingWhitespaceAndReadsUser) {
  m_fs.add_file(m_dir / "work.access_key", "AKIAEXAMPLE  \r\n");
  m_fs.add_file(m_dir / "work.secret_key", "se/cr+et= \n\n");
  m_fs.add_file(m_dir / "work.user", "jbrowne\n");
  CredsDir dir(m_fs, m_dir);
  auto account = dir.load("WORK");
  ASSERT_TRUE(account) << account.error().message;
  EXPECT_EQ(account->name, "work");
  EXPECT_EQ(account->keys.access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(account->keys.secret_access_key.reveal(), "se/cr+et=");
  EXPECT_EQ(account->user, "jbrowne");
  EXPECT_FALSE(account->keys.is_session());
}

TEST_F(CredsDirTest, FileNamesMatchCaseInsensitively) {
  m_fs.add_file(m_dir / "Work.access_key", "AKIA");
  m_fs.add_file(m_dir / "Work.secret_key", "s");
  CredsDir dir(m_fs, m_dir);
  auto account = dir.load("work");
  ASSERT_TRUE(account) << account.error().message;
  EXPECT_EQ(account->keys.secret_access_key.reveal(), "s");
  EXPECT_FALSE(account->user);
}

TEST_F(CredsDirTest, UnknownAccountListsPossibleOnes) {
  m_fs.add_file(m_dir / "work.access_key", "AKIA");
  CredsDir dir(m_fs, m_dir);
  auto account = dir.load("nope");
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().kind, ErrorKind::config);
  EXPECT_NE(account.error().message.find("unknown account 'nope'"), std::string::npos);
  EXPECT_NE(account.error().message.find("possible accounts: work"), std::string::npos);
}

TEST_F(CredsDirTest, FindTellsAbsentFromBroken) {
  CredsDir missing_dir(m_fs, "/nowhere");
  auto none = missing_dir.find("work");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  m_fs.add_file(m_dir / "work.access_key", "AKIA");
  CredsDir dir(m_fs, m_dir);
  auto absent = dir.find("nope");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
  auto broken = dir.find("work");  // no secret key file
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, ErrorKind::config);
  m_fs.add_file(m_dir / "work.secret_key", "s");
  auto found = dir.find("WORK");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "work");
}

TEST_F(CredsDirTest, MissingSecretIsConfigError) {
  m_fs.add_file(m_dir / "work.access_key", "AKIA");
  CredsDir dir(m_fs, m_dir);
  auto account = dir.load("work");
  ASSERT_FALSE(account);
  EXPECT_NE(account.error().message.find("work.secret_key"), std::string::npos);
}

TEST_F(CredsDirTest, MissingDirectory) {
  CredsDir dir(m_fs, "/nowhere/aws-creds");
  auto names = dir.account_names();
  ASSERT_FALSE(names);
  EXPECT_EQ(names.error().kind, ErrorKind::config);
  EXPECT_NE(names.error().message.find("/nowhere/aws-creds"), std::string::npos);
}

TEST_F(CredsDirTest, DefaultPathHonoursOverride) {
  util::MapEnvironment env;
  env.set("HOME", "/home/u");
  EXPECT_EQ(CredsDir::default_path(env), util::Path("/home/u/aws-creds"));
  env.set("STSH_CREDS_DIR", "/srv/creds");
  EXPECT_EQ(CredsDir::default_path(env), util::Path("/srv/creds"));
}

TEST(AccountsFile, ParsesAndBuildsArns) {
  auto file = AccountsFile::parse(
      "/a.json", R"({"Personal": "arn:aws:iam::987654321012:", "work": "arn:aws:iam::012123456789:"})");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->arn_prefix("personal"), "arn:aws:iam::987654321012:");
  EXPECT_EQ(mfa_serial_arn(*file->arn_prefix("WORK"), "jb"), "arn:aws:iam::012123456789:mfa/jb");
  EXPECT_EQ(role_arn(*file->arn_prefix("work"), "admin"), "arn:aws:iam::012123456789:role/admin");
  EXPECT_EQ(role_arn("ignored", "arn:aws:iam::1:role/x"), "arn:aws:iam::1:role/x");
}

TEST(AccountsFile, RawPrefixAcceptedForUnknownName) {
  auto file = AccountsFile::parse("/a.json", "{}");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->arn_prefix("arn:aws:iam::111122223333:"), "arn:aws:iam::111122223333:");
  auto unknown = file->arn_prefix("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::config);
}

TEST(AccountsFile, SyntaxErrorNamesFileLineAndColumn) {
  auto file = AccountsFile::parse("/x/accounts.json", "{\n  \"work\": \"arn:aws:iam::1:\",\n  \"personal\" \"arn\"\n}");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().kind, ErrorKind::config);
  EXPECT_NE(file.error().message.find("/x/accounts.json at line 3, column 18"), std::string::npos)
      << file.error().message;
}

TEST(AccountsFile, NonStringValueRejected) {
  auto file = AccountsFile::parse("/a.json", R"({"work": 12})");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("\"work\""), std::string::npos);
}

TEST(AccountsFile, LookupOrder) {
  util::MemoryFileSystem fs;
  util::MapEnvironment env;
  util::Path creds = "/h/aws-creds";
  fs.add_file("/h/aws-creds/accounts.json", R"({"a": "arn:aws:iam::1:"})");
  fs.add_file("/env.json", R"({"a": "arn:aws:iam::2:"})");
  fs.add_file("/flag.json", R"({"a": "arn:aws:iam::3:"})");

  auto found = AccountsFile::find(fs, env, std::nullopt, creds);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->arn_prefix("a"), "arn:aws:iam::1:");

  env.set("STSH_ACCOUNTS_FILE", "/env.json");
  found = AccountsFile::find(fs, env, std::nullopt, creds);
  EXPECT_EQ((*found)->arn_prefix("a"), "arn:aws:iam::2:");

  found = AccountsFile::find(fs, env, std::string("/flag.json"), creds);
  EXPECT_EQ((*found)->arn_prefix("a"), "arn:aws:iam::3:");

  auto missing = AccountsFile::find(fs, env, std::string("/nope.json"), creds);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::config);
}

TEST(AccountsFile, NoneFoundIsAbsentNotError) {
  util::MemoryFileSystem fs;
  util::MapEnvironment env;
  auto found = AccountsFile::find(fs, env, std::nullopt, "/h/aws-creds");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

}  // namespace
}  // namespace stsh::creds

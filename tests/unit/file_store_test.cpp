#include "store/file_store.h"

#include <gtest/gtest.h>

#include "util/time_format.h"

namespace stsh::store {
namespace {

using namespace std::chrono_literals;

class FileStoreTest : public ::testing::Test {
 protected:
  util::MemoryFileSystem m_fs;
  util::Path m_dir = "/h/.local/share/stsh";
  util::TimePoint m_expiry = *util::parse_iso8601("2026-11-24T10:00:00Z");
  int m_asked = 0;

  PassphraseSource passphrase(std::string text) {
    return [this, text] {
      ++m_asked;
      return Result<util::Secret>(util::Secret(text));
    };
  }
  std::unique_ptr<FileStore> store(std::string pass = "correct horse") {
    return std::make_unique<FileStore>(m_fs, m_dir, passphrase(std::move(pass)), KdfLimits::minimum());
  }
  // Every file's bytes, to prove that a failed call changed nothing.
  std::map<util::Path, std::string> snapshot() const { return m_fs.files(); }
  util::Path path_of(std::string_view item) const { return *FileStore::item_path(m_dir, item); }
};

TEST_F(FileStoreTest, RoundTripWithExpiration) {
  auto s = store();
  ASSERT_TRUE(s->put("session/work", util::Secret("{\"k\":\"v\"}"), m_expiry));
  ASSERT_TRUE(s->put("keys/work", util::Secret("long-lived"), std::nullopt));
  auto got = s->get("session/work");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(*got);
  EXPECT_EQ((*got)->reveal(), "{\"k\":\"v\"}");
  EXPECT_EQ((*s->get("keys/work"))->reveal(), "long-lived");
  EXPECT_EQ(m_asked, 1) << "the key is derived once per store object";
  auto items = s->list();
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].name, "keys/work");
  EXPECT_EQ((*items)[0].expiration, std::nullopt);
  EXPECT_EQ((*items)[1].name, "session/work");
  EXPECT_EQ((*items)[1].expiration, m_expiry);
}

TEST_F(FileStoreTest, PutReplacesAndRemoveDeletes) {
  auto s = store();
  ASSERT_TRUE(s->put("keys/a", util::Secret("one"), m_expiry));
  ASSERT_TRUE(s->put("keys/a", util::Secret("two"), std::nullopt));
  EXPECT_EQ((*s->get("keys/a"))->reveal(), "two");
  EXPECT_EQ((*s->list())[0].expiration, std::nullopt);
  ASSERT_TRUE(s->remove("keys/a"));
  ASSERT_TRUE(s->remove("keys/a")) << "removing a missing item is not an error";
  auto gone = s->get("keys/a");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(FileStoreTest, MissingItemNeedsNoPassphrase) {
  auto s = store();
  auto got = s->get("keys/none");
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
  ASSERT_TRUE(s->put("keys/a", util::Secret("x"), std::nullopt));
  auto other = store();
  m_asked = 0;
  EXPECT_FALSE(*other->get("keys/none"));
  EXPECT_EQ(m_asked, 0);
}

TEST_F(FileStoreTest, ListNeverAsksForThePassphrase) {
  ASSERT_TRUE(store()->put("session/p1", util::Secret("x"), m_expiry));
  FileStore reader(m_fs, m_dir, []() -> Result<util::Secret> {
    ADD_FAILURE() << "list() asked for the passphrase";
    return fail(ErrorKind::interaction, "no");
  });
  auto items = reader.list();
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].name, "session/p1");
  EXPECT_EQ((*items)[0].expiration, m_expiry);
}

TEST_F(FileStoreTest, ListOfAMissingDirectoryIsEmpty) {
  auto items = store()->list();
  ASSERT_TRUE(items);
  EXPECT_TRUE(items->empty());
}

TEST_F(FileStoreTest, WrongPassphraseIsDetectedAndChangesNothing) {
  auto s = store("right");
  ASSERT_TRUE(s->put("keys/a", util::Secret("secret-a"), std::nullopt));
  auto before = snapshot();
  auto wrong = store("wrong");
  auto put = wrong->put("keys/a", util::Secret("overwritten"), std::nullopt);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::config);
  EXPECT_EQ(put.error().message, "wrong passphrase for the file backend (/h/.local/share/stsh); nothing was changed");
  auto put_new = wrong->put("keys/b", util::Secret("new"), std::nullopt);
  ASSERT_FALSE(put_new);
  auto get = wrong->get("keys/a");
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().kind, ErrorKind::config);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ((*s->get("keys/a"))->reveal(), "secret-a");
}

TEST_F(FileStoreTest, PassphraseSourceErrorIsPassedOn) {
  FileStore s(
      m_fs, m_dir,
      []() -> Result<util::Secret> { return fail(ErrorKind::interaction, "no terminal to ask for the passphrase"); },
      KdfLimits::minimum());
  auto put = s.put("keys/a", util::Secret("x"), std::nullopt);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::interaction);
  EXPECT_TRUE(m_fs.files().empty());
}

TEST_F(FileStoreTest, TamperedHeaderIsReportedAndLeftAlone) {
  ASSERT_TRUE(store()->put("session/a", util::Secret("value"), m_expiry));
  std::string text = m_fs.files().at(path_of("session/a"));
  auto at = text.find("2026-11-24");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 4, "2030");  // a later expiry, same length
  m_fs.add_file(path_of("session/a"), text);
  auto before = snapshot();
  auto got = store()->get("session/a");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::io);
  EXPECT_NE(got.error().message.find(path_of("session/a").string()), std::string::npos) << got.error().message;
  EXPECT_EQ(snapshot(), before);
}

TEST_F(FileStoreTest, TamperedCiphertextIsReportedAndLeftAlone) {
  ASSERT_TRUE(store()->put("session/a", util::Secret("value"), m_expiry));
  std::string text = m_fs.files().at(path_of("session/a"));
  text.back() = static_cast<char>(text.back() ^ 1);
  m_fs.add_file(path_of("session/a"), text);
  auto before = snapshot();
  auto got = store()->get("session/a");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::io);
  EXPECT_NE(got.error().message.find(path_of("session/a").string()), std::string::npos);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(FileStoreTest, GarbageAndSwappedFilesAreReported) {
  auto s = store();
  ASSERT_TRUE(s->put("keys/a", util::Secret("a"), std::nullopt));
  ASSERT_TRUE(s->put("keys/b", util::Secret("b"), std::nullopt));
  // A file renamed onto another item's name: its header says whose it is.
  m_fs.add_file(path_of("keys/b"), m_fs.files().at(path_of("keys/a")));
  auto swapped = s->get("keys/b");
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().kind, ErrorKind::io);
  ASSERT_FALSE(s->list());
  m_fs.add_file(path_of("keys/b"), "not an item");
  auto garbage = s->get("keys/b");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find(path_of("keys/b").string()), std::string::npos);
  auto listed = s->list();
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error().message.find(path_of("keys/b").string()), std::string::npos);
}

TEST_F(FileStoreTest, AwkwardItemNamesGetSafeFileNames) {
  auto s = store();
  std::vector<std::string> names = {"keys/with space", "session/../../etc/passwd", "keys/.hidden", ".", "keys/a%2Fb",
                                    "keys/a/b",        "session/ünïcode"};
  for (const auto& name : names) {
    ASSERT_TRUE(s->put(name, util::Secret("v:" + name), std::nullopt)) << name;
  }
  for (const auto& [path, content] : m_fs.files()) {
    EXPECT_EQ(path.parent_path(), m_dir) << path;
    std::string file = path.filename().string();
    EXPECT_EQ(file.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-%"),
              std::string::npos)
        << file;
    EXPECT_FALSE(file.starts_with('.')) << file;
  }
  for (const auto& name : names) EXPECT_EQ((*s->get(name))->reveal(), "v:" + name) << name;
  auto items = s->list();
  ASSERT_TRUE(items);
  EXPECT_EQ(items->size(), names.size());
  auto empty = s->put("", util::Secret("x"), std::nullopt);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::usage);
  EXPECT_FALSE(s->put(std::string(300, 'x'), util::Secret("x"), std::nullopt));
}

TEST_F(FileStoreTest, TwoStoresOnOneDirectoryInteroperate) {
  auto first = store("shared");
  auto second = store("shared");
  ASSERT_TRUE(first->put("keys/a", util::Secret("from-first"), std::nullopt));
  ASSERT_TRUE(second->put("keys/b", util::Secret("from-second"), m_expiry));
  EXPECT_EQ((*second->get("keys/a"))->reveal(), "from-first");
  EXPECT_EQ((*first->get("keys/b"))->reveal(), "from-second");
  EXPECT_EQ(m_fs.files().count(m_dir / "params.json"), 1u);
}

TEST_F(FileStoreTest, SecretsNeverAppearInAnyFile) {
  const std::string value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const std::string pass = "a passphrase nobody guesses";
  ASSERT_TRUE(store(pass)->put("keys/work", util::Secret(value), m_expiry));
  ASSERT_TRUE(store(pass)->put("session/work", util::Secret(value + "-session"), std::nullopt));
  ASSERT_GE(m_fs.files().size(), 3u);
  for (const auto& [path, content] : m_fs.files()) {
    EXPECT_EQ(content.find(value), std::string::npos) << path;
    EXPECT_EQ(content.find("wJalrXUtnFEMI"), std::string::npos) << path;
    EXPECT_EQ(content.find(pass), std::string::npos) << path;
  }
}

TEST_F(FileStoreTest, NoncesAreFreshOnEveryPut) {
  auto s = store();
  ASSERT_TRUE(s->put("keys/a", util::Secret("same"), std::nullopt));
  std::string first = m_fs.files().at(path_of("keys/a"));
  ASSERT_TRUE(s->put("keys/a", util::Secret("same"), std::nullopt));
  EXPECT_NE(m_fs.files().at(path_of("keys/a")), first);
}

TEST_F(FileStoreTest, DefaultDirFollowsXdg) {
  util::MapEnvironment env;
  env.set("HOME", "/home/u");
  EXPECT_EQ(FileStore::default_dir(env), util::Path("/home/u/.local/share/stsh"));
  env.set("XDG_DATA_HOME", "/data");
  EXPECT_EQ(FileStore::default_dir(env), util::Path("/data/stsh"));
  env.set("XDG_DATA_HOME", "relative");
  EXPECT_EQ(FileStore::default_dir(env), util::Path("/home/u/.local/share/stsh"));
  auto probe = FileStore::probe("/data/stsh");
  EXPECT_TRUE(probe.available);
  EXPECT_NE(probe.detail.find("/data/stsh"), std::string::npos);
  EXPECT_NE(probe.detail.find("passphrase"), std::string::npos);
}

}  // namespace
}  // namespace stsh::store

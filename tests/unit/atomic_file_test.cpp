// Exercises the real disk: the atomic writer is the one place where the
// file system's semantics (modes, symlinks, rename) are the point.

#include "util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace stsh::util {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/stsh-atomic-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    m_dir = templ;
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  static std::string slurp(const Path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  Path m_dir;
};

TEST_F(AtomicFileTest, WritesMode0600EvenWithPermissiveUmask) {
  mode_t old = umask(0);
  auto written = write_file_atomically(m_dir / "f", "hello");
  umask(old);
  ASSERT_TRUE(written) << written.error().message;
  struct stat st {};
  ASSERT_EQ(stat((m_dir / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(m_dir / "f"), "hello");
}

TEST_F(AtomicFileTest, ReplacesWholeAndLeavesNoTempFiles) {
  ASSERT_TRUE(write_file_atomically(m_dir / "f", "first version, long"));
  ASSERT_TRUE(write_file_atomically(m_dir / "f", "second"));
  EXPECT_EQ(slurp(m_dir / "f"), "second");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(m_dir)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(AtomicFileTest, RefusesToWriteThroughSymlink) {
  std::ofstream(m_dir / "target") << "precious";
  std::filesystem::create_symlink(m_dir / "target", m_dir / "f");
  auto written = write_file_atomically(m_dir / "f", "attack");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, ErrorKind::io);
  EXPECT_NE(written.error().message.find("symbolic link"), std::string::npos);
  EXPECT_EQ(slurp(m_dir / "target"), "precious");
  EXPECT_TRUE(std::filesystem::is_symlink(m_dir / "f"));
}

TEST_F(AtomicFileTest, MissingDirectoryIsIoError) {
  auto written = write_file_atomically(m_dir / "no" / "f", "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, ErrorKind::io);
}

}  // namespace
}  // namespace stsh::util

#pragma once
// Disk access behind an interface (ninja's DiskInterface): the real disk
// in production, an in-memory tree in unit tests.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/error.h"

namespace stsh::util {

using Path = std::filesystem::path;

// Held while a process owns an exclusive lock; released on destruction (and
// by the kernel if the process dies, so a killed process never leaves a
// lock that blocks forever).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Takes an exclusive lock on `path` (created 0600 if missing), waiting up
  // to `timeout`; ErrorKind::io when it cannot be had in time.
  virtual Result<std::unique_ptr<FileLock>> lock_exclusive(const Path& path, std::chrono::milliseconds timeout) = 0;
  // The file's bytes; std::nullopt when it does not exist.
  virtual Result<std::optional<std::string>> read_file(const Path& path) const = 0;
  // As read_file, but a symlink at `path` is an error (for files stsh owns:
  // a planted link must not feed it someone else's content).
  virtual Result<std::optional<std::string>> read_private_file(const Path& path) const = 0;
  // Replaces `path` atomically with a 0600 file; refuses if `path` is a symlink.
  virtual Result<void> write_private_file(const Path& path, std::string_view content) = 0;
  // Names of the entries of a directory; ErrorKind::config when it is missing.
  virtual Result<std::vector<std::string>> list_directory(const Path& path) const = 0;
  virtual bool is_directory(const Path& path) const = 0;
  // Whether this process may create files in the directory.
  virtual bool is_writable_directory(const Path& path) const = 0;
  // Creates the directory (mode 0700) and its parents if missing.
  virtual Result<void> make_private_directory(const Path& path) = 0;
  virtual Result<void> remove_file(const Path& path) = 0;
  // Renames the file to ".NAME.shred" (so it is gone from its path at once,
  // atomically), overwrites its bytes in place (zeros, fsync), then unlinks it.
  virtual Result<void> shred_file(const Path& path) = 0;
};

class RealFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<FileLock>> lock_exclusive(const Path& path, std::chrono::milliseconds timeout) override;
  Result<std::optional<std::string>> read_file(const Path& path) const override;
  Result<std::optional<std::string>> read_private_file(const Path& path) const override;
  Result<void> write_private_file(const Path& path, std::string_view content) override;
  Result<std::vector<std::string>> list_directory(const Path& path) const override;
  bool is_directory(const Path& path) const override;
  bool is_writable_directory(const Path& path) const override;
  Result<void> make_private_directory(const Path& path) override;
  Result<void> remove_file(const Path& path) override;
  Result<void> shred_file(const Path& path) override;
};

class MemoryFileSystem final : public FileSystem {
 public:
  // One process only: locks always succeed.
  Result<std::unique_ptr<FileLock>> lock_exclusive(const Path&, std::chrono::milliseconds) override {
    return std::make_unique<FileLock>();
  }
  Result<std::optional<std::string>> read_file(const Path& path) const override;
  Result<std::optional<std::string>> read_private_file(const Path& path) const override;
  Result<void> write_private_file(const Path& path, std::string_view content) override;
  Result<std::vector<std::string>> list_directory(const Path& path) const override;
  bool is_directory(const Path& path) const override;
  bool is_writable_directory(const Path& path) const override {
    return is_directory(path) && !m_read_only.contains(path.lexically_normal());
  }
  Result<void> make_private_directory(const Path& path) override;
  Result<void> remove_file(const Path& path) override;
  Result<void> shred_file(const Path& path) override { return remove_file(path); }

  // Test set-up: a file (its parent directories are implied).
  void add_file(const Path& path, std::string content);
  void add_symlink(const Path& path) { m_symlinks.insert(path.lexically_normal()); }
  void set_read_only(const Path& directory) { m_read_only.insert(directory.lexically_normal()); }
  const std::map<Path, std::string>& files() const { return m_files; }

 private:
  std::map<Path, std::string> m_files;
  std::set<Path> m_directories;
  std::set<Path> m_symlinks;
  std::set<Path> m_read_only;
};

}  // namespace stsh::util

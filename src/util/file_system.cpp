#include "util/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "util/atomic_file.h"
#include "util/secret.h"
#include "util/unique_fd.h"

namespace stsh::util {

namespace {

Result<std::optional<std::string>> read_whole_file(const Path& path, int extra_flags) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | extra_flags));
  if (!fd) {
    if (errno == ENOENT) return std::optional<std::string>{};
    if (errno == ELOOP && (extra_flags & O_NOFOLLOW) != 0) {
      return fail(ErrorKind::io, path.string() + " is a symbolic link; refusing to follow it (remove it)");
    }
    return fail(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      wipe(buffer, sizeof buffer);
      return fail(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(saved));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  // The buffer held key material.
  wipe(buffer, sizeof buffer);
  return std::optional<std::string>(std::move(content));
}

}  // namespace

Result<std::optional<std::string>> RealFileSystem::read_file(const Path& path) const {
  return read_whole_file(path, 0);
}

namespace {

class FlockLock final : public FileLock {
 public:
  explicit FlockLock(UniqueFd fd) : m_fd(std::move(fd)) {}
  ~FlockLock() override { ::flock(m_fd.get(), LOCK_UN); }

 private:
  UniqueFd m_fd;
};

}  // namespace

Result<std::unique_ptr<FileLock>> RealFileSystem::lock_exclusive(const Path& path, std::chrono::milliseconds timeout) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return fail(ErrorKind::io, "cannot open lock file " + path.string() + ": " + std::strerror(errno));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(5);
  // Polling with LOCK_NB keeps the timeout simple and signal-free.
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return fail(ErrorKind::io, "cannot lock " + path.string() + ": " + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorKind::io, "timed out after " + std::to_string(timeout.count() / 1000) +
                                     " s waiting for another stsh to finish with " + path.string() +
                                     " (is one waiting for an MFA code?)");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  return std::make_unique<FlockLock>(std::move(fd));
}

Result<std::optional<std::string>> RealFileSystem::read_private_file(const Path& path) const {
  return read_whole_file(path, O_NOFOLLOW);
}

Result<void> RealFileSystem::write_private_file(const Path& path, std::string_view content) {
  return write_file_atomically(path, content);
}

Result<std::vector<std::string>> RealFileSystem::list_directory(const Path& path) const {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return fail(errno == ENOENT || errno == ENOTDIR ? ErrorKind::config : ErrorKind::io,
                "cannot list " + path.string() + ": " + std::strerror(errno));
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool RealFileSystem::is_directory(const Path& path) const {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool RealFileSystem::is_writable_directory(const Path& path) const {
  return is_directory(path) && ::access(path.c_str(), W_OK | X_OK) == 0;
}

namespace {

Result<void> make_directories(const Path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};
  if (!path.parent_path().empty() && path.parent_path() != path) {
    if (auto parent = make_directories(path.parent_path()); !parent) return parent;
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorKind::io, "cannot create directory " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<void> RealFileSystem::make_private_directory(const Path& path) {
  if (auto made = make_directories(path); !made) return made;
  // The directory is stsh's own: narrow it if something widened it.
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(ErrorKind::io, path.string() + " is not a directory (a symbolic link?); remove it");
  }
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0700) != 0) {
    return fail(ErrorKind::io, "cannot make " + path.string() + " private (chmod 0700): " + std::strerror(errno));
  }
  return {};
}

Result<void> RealFileSystem::remove_file(const Path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return fail(ErrorKind::io, "cannot remove " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

Result<void> RealFileSystem::shred_file(const Path& path) {
  // A crash part-way must not leave a half-zeroed file where a reader
  // looks; a leftover .shred file is swept by the next import.
  Path hidden = path.filename().string().starts_with(".") && path.filename().string().ends_with(".shred")
                    ? path
                    : path.parent_path() / ("." + path.filename().string() + ".shred");
  if (hidden != path && ::rename(path.c_str(), hidden.c_str()) != 0) {
    if (errno == ENOENT) return {};
    return fail(ErrorKind::io, "cannot remove " + path.string() + ": " + std::strerror(errno));
  }
  UniqueFd fd(::open(hidden.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return {};
    return fail(ErrorKind::io, "cannot overwrite " + hidden.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorKind::io, "cannot overwrite " + path.string() + ": not a regular file");
  }
  char zeros[4096] = {};
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = ::write(fd.get(), zeros, static_cast<std::size_t>(std::min<off_t>(left, sizeof zeros)));
    if (n <= 0) return fail(ErrorKind::io, "cannot overwrite " + path.string() + ": " + std::strerror(errno));
    left -= n;
  }
  ::fsync(fd.get());
  fd.reset();
  return remove_file(hidden);
}

// --- in-memory, for unit tests ---

Result<std::optional<std::string>> MemoryFileSystem::read_file(const Path& path) const {
  auto it = m_files.find(path.lexically_normal());
  if (it == m_files.end()) return std::optional<std::string>{};
  return std::optional<std::string>(it->second);
}

Result<std::optional<std::string>> MemoryFileSystem::read_private_file(const Path& path) const {
  if (m_symlinks.contains(path.lexically_normal())) {
    return fail(ErrorKind::io, path.string() + " is a symbolic link; refusing to follow it (remove it)");
  }
  return read_file(path);
}

Result<void> MemoryFileSystem::write_private_file(const Path& path, std::string_view content) {
  Path p = path.lexically_normal();
  if (m_symlinks.contains(p)) {
    return fail(ErrorKind::io, "cannot write " + p.string() + ": it is a symbolic link; refusing to follow it");
  }
  if (m_read_only.contains(p.parent_path())) {
    return fail(ErrorKind::io, "cannot write " + p.string() + ": Read-only file system");
  }
  if (!is_directory(p.parent_path())) {
    return fail(ErrorKind::io, "cannot write " + p.string() + ": No such file or directory");
  }
  m_files[p] = std::string(content);
  return {};
}

Result<std::vector<std::string>> MemoryFileSystem::list_directory(const Path& path) const {
  Path dir = path.lexically_normal();
  if (!is_directory(dir)) return fail(ErrorKind::config, "cannot list " + dir.string() + ": No such file or directory");
  std::vector<std::string> names;
  for (const auto& [file, content] : m_files) {
    if (file.parent_path() == dir) names.push_back(file.filename().string());
  }
  return names;
}

bool MemoryFileSystem::is_directory(const Path& path) const {
  Path dir = path.lexically_normal();
  if (m_directories.contains(dir)) return true;
  return std::any_of(m_files.begin(), m_files.end(), [&](const auto& entry) {
    auto [mismatch, unused] = std::mismatch(dir.begin(), dir.end(), entry.first.begin(), entry.first.end());
    return mismatch == dir.end();
  });
}

Result<void> MemoryFileSystem::make_private_directory(const Path& path) {
  m_directories.insert(path.lexically_normal());
  return {};
}

Result<void> MemoryFileSystem::remove_file(const Path& path) {
  m_files.erase(path.lexically_normal());
  return {};
}

void MemoryFileSystem::add_file(const Path& path, std::string content) {
  m_files[path.lexically_normal()] = std::move(content);
}

}  // namespace stsh::util

#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "util/unique_fd.h"

namespace stsh::util {

namespace {

std::string errno_text() { return std::strerror(errno); }

Error io_error(const Path& path, std::string_view what) {
  return Error{ErrorKind::io, "cannot write " + path.string() + ": " + std::string(what)};
}

std::string random_suffix() {
  static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::string out;
  for (int i = 0; i < 12; ++i) out += k_chars[device() % (sizeof(k_chars) - 1)];
  return out;
}

Result<void> write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorKind::io, errno_text());
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Result<void> write_file_atomically(const Path& path, std::string_view content) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    return std::unexpected(io_error(path, "it is a symbolic link; refusing to follow it (remove it first)"));
  }
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return std::unexpected(io_error(path, "it is not a regular file"));
  }
  Path dir = path.parent_path().empty() ? Path(".") : path.parent_path();
  Path temp;
  UniqueFd fd;
  for (int attempt = 0; attempt < 5 && !fd; ++attempt) {
    temp = dir / ("." + path.filename().string() + ".tmp-" + random_suffix());
    fd = UniqueFd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd && errno != EEXIST) return std::unexpected(io_error(path, errno_text()));
  }
  if (!fd) return std::unexpected(io_error(path, "could not create a temporary file"));

  auto discard = [&](std::string reason) {
    ::unlink(temp.c_str());
    return std::unexpected(io_error(path, reason));
  };
  if (::fchmod(fd.get(), 0600) != 0) return discard(errno_text());
  if (auto written = write_all(fd.get(), content); !written) return discard(written.error().message);
  if (::fsync(fd.get()) != 0) return discard(errno_text());
  if (::close(fd.release()) != 0) return discard(errno_text());
  if (::rename(temp.c_str(), path.c_str()) != 0) return discard(errno_text());

  // Make the rename itself durable: without this a crash can lose it.
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd) ::fsync(dir_fd.get());
  return {};
}

}  // namespace stsh::util

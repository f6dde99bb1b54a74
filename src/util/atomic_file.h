#pragma once
// Writes a private file so that readers see the old content or the new,
// never a torn one, and a crash at any moment loses neither.

#include <string_view>

#include "util/error.h"
#include "util/file_system.h"

namespace stsh::util {

// Steps: refuse a symlink at `path`; create a uniquely named temp file in
// the same directory with O_EXCL|O_NOFOLLOW; fchmod 0600 (umask cannot
// widen it); write; fsync; rename over `path`; fsync the directory.
Result<void> write_file_atomically(const Path& path, std::string_view content);

}  // namespace stsh::util

#pragma once
// A cache slot kept in a secret backend, with a short-lived copy in a 0600
// file under $XDG_RUNTIME_DIR: reading a keyring on every call would cost an
// unlock or a D-Bus round trip; the runtime directory is private to the
// user, in memory (tmpfs), and emptied at logout.

#include <memory>
#include <string>

#include "creds/credential_cache.h"
#include "store/secret_store.h"

namespace stsh::creds {

// $XDG_RUNTIME_DIR/stsh, else DIR/runtime under the session cache directory.
util::Path runtime_cache_dir(const util::Environment& env);

// The runtime copy of a backend item, when valid at `now`: read without
// touching (or unlocking) the backend.
std::optional<aws::Credentials> runtime_copy(const util::FileSystem& fs, const util::Path& runtime_dir,
                                             std::string_view item, util::TimePoint now);

std::unique_ptr<CacheSlot> store_slot(store::SecretStore& store, std::string item, util::FileSystem& fs,
                                      util::Path runtime_dir, std::chrono::milliseconds lock_timeout);

}  // namespace stsh::creds

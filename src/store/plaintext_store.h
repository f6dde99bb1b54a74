#pragma once
// The seed's plaintext layout (~/aws-creds) seen as a backend: keys/NAME is
// NAME.access_key + NAME.secret_key (+ NAME.user), session/NAME is
// .cache.NAME.json. Read as before; written only when chosen explicitly.

#include <functional>

#include "creds/creds_dir.h"
#include "store/secret_store.h"
#include "util/file_system.h"

namespace stsh::store {

class PlaintextStore final : public SecretStore {
 public:
  PlaintextStore(util::FileSystem& fs, util::Path dir) : m_fs(fs), m_dir(std::move(dir)) {}

  std::string_view backend() const override { return "plaintext"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  // Overwrites the files' bytes before unlinking them.
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;

  static Availability probe(const util::FileSystem& fs, const util::Path& dir);

  // Shreds what an interrupted removal left: ".*.shred" files, and the
  // NAME.secret_key / NAME.user files of accounts that `still_wanted` says
  // are safe elsewhere (their NAME.access_key already gone).
  Result<int> sweep_leftovers(const std::function<bool(std::string_view account)>& safe_elsewhere);

 private:
  Result<void> shred(const util::Path& path);

  util::FileSystem& m_fs;
  util::Path m_dir;
};

}  // namespace stsh::store

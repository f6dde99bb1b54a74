#pragma once
// Secrets in encrypted files, one per item, in a private directory:
// XChaCha20-Poly1305 under a key derived once per store object from a
// passphrase with Argon2id. Names and expiry stay readable without it.
//
// DIR/params.json   {"version":1,"kdf":"argon2id13","opslimit":..,"memlimit":..,
//                    "salt":B64,"verifier_nonce":B64,"verifier":B64}
// DIR/ENCODED.item  header JSON line {"expiration","item","nonce","version"}, "\n",
//                   then the ciphertext; the header bytes are the associated data.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "store/secret_store.h"
#include "util/environment.h"
#include "util/file_system.h"

namespace stsh::store {

// Asked for the passphrase, at most once per store object that needs the key.
using PassphraseSource = std::function<Result<util::Secret>()>;

// Argon2id cost for a new directory; an existing one keeps what its params file says.
struct KdfLimits {
  std::uint64_t opslimit = 0;
  std::size_t memlimit = 0;
  static KdfLimits interactive();
  // The smallest Argon2id allows: for unit tests only.
  static KdfLimits minimum();
};

class FileStore final : public SecretStore {
 public:
  FileStore(util::FileSystem& fs, util::Path dir, PassphraseSource passphrase,
            KdfLimits limits = KdfLimits::interactive());
  ~FileStore() override;
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  std::string_view backend() const override { return "file"; }
  Result<std::optional<util::Secret>> get(std::string_view item) override;
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override;
  Result<void> remove(std::string_view item) override;
  Result<std::vector<ItemInfo>> list() override;

  // $XDG_DATA_HOME/stsh, else ~/.local/share/stsh.
  static util::Path default_dir(const util::Environment& env);
  static Availability probe(const util::Path& dir);
  // The file holding `item` in `dir`; ErrorKind::usage for a name no file can carry.
  static Result<util::Path> item_path(const util::Path& dir, std::string_view item);

 private:
  struct KeyDeleter {
    void operator()(unsigned char* key) const;
  };
  using Key = std::unique_ptr<unsigned char, KeyDeleter>;

  // Derives the key (asking for the passphrase) unless already done;
  // `create` writes a new params file when the directory has none.
  Result<void> unlock(bool create);
  Result<Key> derive(const util::Secret& passphrase, std::string_view salt, const KdfLimits& limits) const;
  Result<std::optional<std::string>> read_params() const;
  // A new salt and verifier for an empty directory (the caller holds the lock).
  Result<void> create_params();
  // Derives from an existing params file; a wrong passphrase fails the verifier.
  Result<void> open_params(std::string_view text);
  util::Path params_path() const { return m_dir / "params.json"; }

  util::FileSystem& m_fs;
  util::Path m_dir;
  PassphraseSource m_passphrase;
  KdfLimits m_limits;
  Key m_key;  // sodium_malloc'd, read-only once derived, wiped by sodium_free
};

}  // namespace stsh::store

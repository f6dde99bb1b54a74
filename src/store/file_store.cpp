#include "store/file_store.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/time_format.h"

namespace stsh::store {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t k_key_bytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t k_nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t k_tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::string_view k_item_suffix = ".item";
constexpr std::string_view k_verifier_plaintext = "stsh file backend verifier";
constexpr std::string_view k_verifier_ad = "stsh params v1";
constexpr std::size_t k_max_file_name = 255;

Result<void> ensure_sodium() {
  static const int k_ready = sodium_init();
  if (k_ready < 0) return fail(ErrorKind::internal, "libsodium could not be initialised");
  return {};
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string to_base64(std::string_view bin) {
  constexpr int k_variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bin.size(), k_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(bin), bin.size(), k_variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text, std::size_t expected_size) {
  std::string out(text.size(), '\0');
  std::size_t size = 0;
  if (sodium_base642bin(bytes(out), out.size(), text.data(), text.size(), nullptr, &size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      size != expected_size) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

std::string encrypt(std::string_view plaintext, std::string_view ad, std::string_view nonce, const unsigned char* key) {
  std::string out(plaintext.size() + k_tag_bytes, '\0');
  unsigned long long size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(bytes(out), &size, bytes(plaintext), plaintext.size(), bytes(ad),
                                             ad.size(), nullptr, bytes(nonce), key);
  out.resize(static_cast<std::size_t>(size));
  return out;
}

// std::nullopt when authentication fails.
std::optional<util::Secret> decrypt(std::string_view ciphertext, std::string_view ad, std::string_view nonce,
                                    const unsigned char* key) {
  if (ciphertext.size() < k_tag_bytes) return std::nullopt;
  std::string plain(ciphertext.size() - k_tag_bytes, '\0');
  unsigned long long size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(bytes(plain), &size, nullptr, bytes(ciphertext), ciphertext.size(),
                                                 bytes(ad), ad.size(), bytes(nonce), key) != 0) {
    util::wipe(plain);
    return std::nullopt;
  }
  return util::Secret(std::move(plain));
}

std::optional<std::string> string_field(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

template <class T>
std::optional<T> unsigned_field(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<T>();
}

// The readable part of an item file.
struct ItemHeader {
  std::string item;
  std::optional<util::TimePoint> expiration;
  std::string nonce;  // raw bytes
};

struct ItemFile {
  std::string_view header_text;  // the associated data
  ItemHeader header;
  std::string_view ciphertext;
};

Result<std::string> render_header(std::string_view item, std::optional<util::TimePoint> expiration,
                                  std::string_view nonce) {
  nlohmann::json header = {{"version", 1},
                           {"item", std::string(item)},
                           {"expiration", expiration ? nlohmann::json(util::format_iso8601(*expiration)) : nullptr},
                           {"nonce", to_base64(nonce)}};
  try {
    return header.dump();
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorKind::usage, "item name '" + std::string(item) + "' is not valid UTF-8");
  }
}

// The error is the reason only; the caller names the file.
Result<ItemFile> parse_item_file(std::string_view text) {
  auto newline = text.find('\n');
  if (newline == std::string_view::npos) return fail(ErrorKind::io, "no header line");
  ItemFile file;
  file.header_text = text.substr(0, newline);
  file.ciphertext = text.substr(newline + 1);
  auto json = nlohmann::json::parse(file.header_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorKind::io, "the header is not a JSON object");
  if (unsigned_field<int>(json, "version") != 1) return fail(ErrorKind::io, "unsupported or missing version");
  auto item = string_field(json, "item");
  if (!item || item->empty()) return fail(ErrorKind::io, "the item name is missing");
  file.header.item = std::move(*item);
  if (auto it = json.find("expiration"); it != json.end() && !it->is_null()) {
    auto text_value = string_field(json, "expiration");
    if (!text_value) return fail(ErrorKind::io, "the expiration is not a string");
    file.header.expiration = util::parse_iso8601(*text_value);
    if (!file.header.expiration) return fail(ErrorKind::io, "the expiration is not an ISO 8601 time");
  }
  auto nonce = string_field(json, "nonce");
  auto nonce_bytes = nonce ? from_base64(*nonce, k_nonce_bytes) : std::nullopt;
  if (!nonce_bytes) return fail(ErrorKind::io, "the nonce is missing or malformed");
  file.header.nonce = std::move(*nonce_bytes);
  if (file.ciphertext.size() < k_tag_bytes) return fail(ErrorKind::io, "the ciphertext is truncated");
  return file;
}

struct Params {
  KdfLimits limits;
  std::string salt;
  std::string verifier_nonce;
  std::string verifier;
};

Result<Params> parse_params(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorKind::io, "not a JSON object");
  if (unsigned_field<int>(json, "version") != 1 || string_field(json, "kdf") != "argon2id13") {
    return fail(ErrorKind::io, "unsupported version or key derivation");
  }
  Params params;
  auto ops = unsigned_field<std::uint64_t>(json, "opslimit");
  auto mem = unsigned_field<std::size_t>(json, "memlimit");
  // Bounded so that an edited file cannot make every start-up take minutes or gigabytes.
  if (!ops || *ops < crypto_pwhash_OPSLIMIT_MIN || *ops > crypto_pwhash_OPSLIMIT_SENSITIVE || !mem ||
      *mem < crypto_pwhash_MEMLIMIT_MIN || *mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
    return fail(ErrorKind::io, "opslimit or memlimit missing or out of range");
  }
  params.limits = {*ops, *mem};
  auto decoded = [&](const char* name, std::size_t size) {
    auto value = string_field(json, name);
    return value ? from_base64(*value, size) : std::nullopt;
  };
  auto salt = decoded("salt", crypto_pwhash_SALTBYTES);
  auto nonce = decoded("verifier_nonce", k_nonce_bytes);
  auto verifier = decoded("verifier", k_verifier_plaintext.size() + k_tag_bytes);
  if (!salt || !nonce || !verifier) return fail(ErrorKind::io, "salt or verifier missing or malformed");
  params.salt = std::move(*salt);
  params.verifier_nonce = std::move(*nonce);
  params.verifier = std::move(*verifier);
  return params;
}

// Item names become file names: bytes outside [A-Za-z0-9._-] (and a
// leading '.', which would hide the file) are written as %XX.
std::string encode_name(std::string_view item) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < item.size(); ++i) {
    auto c = static_cast<unsigned char>(item[i]);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                 (c == '.' && i > 0);
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

KdfLimits KdfLimits::interactive() { return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE}; }

KdfLimits KdfLimits::minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

void FileStore::KeyDeleter::operator()(unsigned char* key) const { sodium_free(key); }

FileStore::FileStore(util::FileSystem& fs, util::Path dir, PassphraseSource passphrase, KdfLimits limits)
    : m_fs(fs), m_dir(std::move(dir)), m_passphrase(std::move(passphrase)), m_limits(limits) {}

FileStore::~FileStore() = default;

util::Path FileStore::default_dir(const util::Environment& env) {
  if (auto xdg = env.get_nonempty("XDG_DATA_HOME"); xdg && util::Path(*xdg).is_absolute()) {
    return util::Path(*xdg) / "stsh";
  }
  return util::Path(env.get_nonempty("HOME").value_or("")) / ".local" / "share" / "stsh";
}

Availability FileStore::probe(const util::Path& dir) {
  return {true, "encrypted files in " + dir.string() +
                    " (Argon2id, XChaCha20-Poly1305); needs a passphrase (STSH_FILE_PASSPHRASE or asked on the "
                    "terminal)"};
}

Result<util::Path> FileStore::item_path(const util::Path& dir, std::string_view item) {
  if (item.empty()) return fail(ErrorKind::usage, "an item name must not be empty");
  std::string name = encode_name(item) + std::string(k_item_suffix);
  if (name.size() > k_max_file_name) {
    return fail(ErrorKind::usage, "item name '" + std::string(item) + "' is too long for the file backend");
  }
  return dir / name;
}

Result<FileStore::Key> FileStore::derive(const util::Secret& passphrase, std::string_view salt,
                                         const KdfLimits& limits) const {
  Key key(static_cast<unsigned char*>(sodium_malloc(k_key_bytes)));
  if (!key) return fail(ErrorKind::internal, "cannot allocate protected memory for the file backend's key");
  std::string_view pass = passphrase.reveal();
  if (crypto_pwhash(key.get(), k_key_bytes, pass.data(), pass.size(), bytes(salt), limits.opslimit, limits.memlimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorKind::internal, "Argon2id key derivation failed (out of memory? it needs " +
                                         std::to_string(limits.memlimit >> 20) + " MiB)");
  }
  sodium_mprotect_readonly(key.get());
  return key;
}

Result<std::optional<std::string>> FileStore::read_params() const { return m_fs.read_private_file(params_path()); }

Result<void> FileStore::unlock(bool create) {
  if (m_key) return {};
  if (auto ready = ensure_sodium(); !ready) return ready;
  auto text = read_params();
  if (!text) return std::unexpected(text.error());
  if (!*text) {
    if (!create) {
      return fail(ErrorKind::io, params_path().string() + " is missing, so the items beside it cannot be decrypted");
    }
    if (auto made = m_fs.make_private_directory(m_dir); !made) return made;
    // Two first puts racing must not each write their own salt.
    auto lock = m_fs.lock_exclusive(m_dir / "params.lock", 30s);
    if (!lock) return std::unexpected(lock.error());
    text = read_params();
    if (!text) return std::unexpected(text.error());
    if (!*text) return create_params();
  }
  return open_params(**text);
}

Result<void> FileStore::create_params() {
  auto passphrase = m_passphrase();
  if (!passphrase) return std::unexpected(passphrase.error());
  if (passphrase->empty()) return fail(ErrorKind::usage, "the file backend's passphrase must not be empty");
  std::string salt = random_bytes(crypto_pwhash_SALTBYTES);
  auto key = derive(*passphrase, salt, m_limits);
  if (!key) return std::unexpected(key.error());
  std::string nonce = random_bytes(k_nonce_bytes);
  nlohmann::json params = {{"version", 1},
                           {"kdf", "argon2id13"},
                           {"opslimit", m_limits.opslimit},
                           {"memlimit", m_limits.memlimit},
                           {"salt", to_base64(salt)},
                           {"verifier_nonce", to_base64(nonce)},
                           {"verifier", to_base64(encrypt(k_verifier_plaintext, k_verifier_ad, nonce, key->get()))}};
  if (auto written = m_fs.write_private_file(params_path(), params.dump(2) + "\n"); !written) return written;
  m_key = std::move(*key);
  return {};
}

Result<void> FileStore::open_params(std::string_view text) {
  auto params = parse_params(text);
  if (!params) {
    return fail(ErrorKind::io, params_path().string() + " is corrupt (" + params.error().message + "); left as is");
  }
  auto passphrase = m_passphrase();
  if (!passphrase) return std::unexpected(passphrase.error());
  auto key = derive(*passphrase, params->salt, params->limits);
  if (!key) return std::unexpected(key.error());
  if (!decrypt(params->verifier, k_verifier_ad, params->verifier_nonce, key->get())) {
    return fail(ErrorKind::config,
                "wrong passphrase for the file backend (" + m_dir.string() + "); nothing was changed");
  }
  m_key = std::move(*key);
  return {};
}

Result<std::optional<util::Secret>> FileStore::get(std::string_view item) {
  auto path = item_path(m_dir, item);
  if (!path) return std::unexpected(path.error());
  auto text = m_fs.read_private_file(*path);
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<util::Secret>{};
  auto file = parse_item_file(**text);
  if (!file) {
    return fail(ErrorKind::io, path->string() + " is corrupt (" + file.error().message + "); left as is");
  }
  if (file->header.item != item) {
    return fail(ErrorKind::io, path->string() + " holds item '" + file->header.item + "', not '" + std::string(item) +
                                   "' (renamed?); left as is");
  }
  if (auto unlocked = unlock(false); !unlocked) return std::unexpected(unlocked.error());
  auto value = decrypt(file->ciphertext, file->header_text, file->header.nonce, m_key.get());
  if (!value) {
    return fail(ErrorKind::io, path->string() + " failed authentication (corrupted or tampered with); left as is");
  }
  return std::optional<util::Secret>(std::move(*value));
}

Result<void> FileStore::put(std::string_view item, const util::Secret& value,
                            std::optional<util::TimePoint> expiration) {
  auto path = item_path(m_dir, item);
  if (!path) return std::unexpected(path.error());
  std::string nonce = random_bytes(k_nonce_bytes);
  auto header = render_header(item, expiration, nonce);
  if (!header) return std::unexpected(header.error());
  if (auto unlocked = unlock(true); !unlocked) return unlocked;
  std::string content = *header + "\n" + encrypt(value.reveal(), *header, nonce, m_key.get());
  return m_fs.write_private_file(*path, content);
}

Result<void> FileStore::remove(std::string_view item) {
  auto path = item_path(m_dir, item);
  if (!path) return std::unexpected(path.error());
  return m_fs.remove_file(*path);
}

Result<std::vector<ItemInfo>> FileStore::list() {
  std::vector<ItemInfo> items;
  if (!m_fs.is_directory(m_dir)) return items;
  auto names = m_fs.list_directory(m_dir);
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) {
    // Dot files are the atomic writer's temporaries.
    if (name.starts_with('.') || !name.ends_with(k_item_suffix)) continue;
    util::Path path = m_dir / name;
    auto text = m_fs.read_private_file(path);
    if (!text) return std::unexpected(text.error());
    if (!*text) continue;  // removed meanwhile
    auto file = parse_item_file(**text);
    if (!file) {
      return fail(ErrorKind::io, path.string() + " is corrupt (" + file.error().message + "); left as is");
    }
    if (auto expected = item_path(m_dir, file->header.item); !expected || *expected != path) {
      return fail(ErrorKind::io, path.string() + " holds item '" + file->header.item + "' (renamed?); left as is");
    }
    items.push_back({file->header.item, file->header.expiration});
  }
  std::sort(items.begin(), items.end(), [](const ItemInfo& a, const ItemInfo& b) { return a.name < b.name; });
  return items;
}

}  // namespace stsh::store

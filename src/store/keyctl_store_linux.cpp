#include "store/keyctl_store_linux.h"

#include <keyutils.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>

#include "util/time_format.h"

namespace stsh::store {

namespace {

constexpr std::string_view k_prefix = "stsh:";
constexpr std::string_view k_expiry_prefix = "stsh-exp:";
constexpr std::size_t k_max_item = 4000;  // the kernel allows 4095-byte descriptions
// Without the user bits, a process of the same user in another login
// session (one whose session keyring does not link @u) could not read it.
constexpr key_perm_t k_permissions =
    KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH | KEY_USR_SETATTR;

// The key is gone (or going): the same as absent.
bool is_gone(int error) { return error == ENOKEY || error == EKEYEXPIRED || error == EKEYREVOKED; }

// Why the keyring cannot be used at all (for probe()).
std::string unavailable_reason(int error) {
  switch (error) {
    case ENOSYS:
    case EOPNOTSUPP: return "the kernel has no key management (" + std::string(std::strerror(error)) + ")";
    case EPERM:
    case EACCES:
      return "keyctl is not permitted here (" + std::string(std::strerror(error)) +
             "; a container's seccomp profile or a user namespace usually forbids it)";
    case ENOKEY: return "this process has no user keyring";
    default: return std::strerror(error);
  }
}

Error keyring_error(std::string what, int error) {
  std::string why = std::strerror(error);
  if (error == EDQUOT) why = "the kernel key quota for this user is full (see /proc/sys/kernel/keys/maxbytes)";
  if (error == EACCES) why += " (a key of that name without stsh's permissions? remove it with keyctl)";
  return Error{ErrorKind::io, "kernel keyring: cannot " + std::move(what) + ": " + why};
}

Result<void> check_item(std::string_view item) {
  if (item.empty()) return fail(ErrorKind::usage, "an item name must not be empty");
  if (item.find('\0') != std::string_view::npos || item.size() > k_max_item) {
    return fail(ErrorKind::usage, "item name is not usable as a kernel key description");
  }
  return {};
}

std::string describe_for(std::string_view prefix, std::string_view item) {
  return std::string(prefix) + std::string(item);
}

Result<std::optional<key_serial_t>> find(const std::string& description) {
  long id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", description.c_str(), 0);
  if (id >= 0) return std::optional<key_serial_t>(static_cast<key_serial_t>(id));
  if (is_gone(errno)) return std::optional<key_serial_t>{};
  return std::unexpected(keyring_error("search the user keyring for " + description, errno));
}

// The payload, read into memory this process wipes (keyctl_read_alloc
// would leave copies behind in freed buffers). One read suffices for the
// usual small item; a larger one is read again into a buffer of its size.
Result<std::optional<util::Secret>> read_payload(key_serial_t id, std::string_view description) {
  std::string buffer(4096, '\0');
  for (;;) {
    long size = keyctl_read(id, buffer.data(), buffer.size());
    if (size < 0) {
      int error = errno;
      util::wipe(buffer);
      if (is_gone(error)) return std::optional<util::Secret>{};
      return std::unexpected(keyring_error("read " + std::string(description), error));
    }
    if (static_cast<std::size_t>(size) <= buffer.size()) {
      buffer.resize(static_cast<std::size_t>(size));
      return std::optional<util::Secret>(util::Secret(std::move(buffer)));
    }
    util::wipe(buffer);  // held the first part
    buffer.resize(static_cast<std::size_t>(size));
  }
}

// Adds or updates (in place, so readers see old or new) a key in @u.
Result<void> write_key(const std::string& description, std::string_view payload, unsigned timeout) {
  key_serial_t id = add_key("user", description.c_str(), payload.data(), payload.size(), KEY_SPEC_USER_KEYRING);
  if (id < 0) return std::unexpected(keyring_error("store " + description, errno));
  if (keyctl_setperm(id, k_permissions) < 0) {
    return std::unexpected(keyring_error("set the permissions of " + description, errno));
  }
  // An update clears the old timeout; 0 means none.
  if (keyctl_set_timeout(id, timeout) < 0) {
    return std::unexpected(keyring_error("set the timeout of " + description, errno));
  }
  return {};
}

Result<void> destroy_key(const std::string& description) {
  auto id = find(description);
  if (!id) return std::unexpected(id.error());
  if (!*id) return {};
  // Invalidation destroys the key wherever else it may have been linked.
  if (keyctl_invalidate(**id) == 0 || is_gone(errno)) return {};
  if (errno == EOPNOTSUPP && keyctl_unlink(**id, KEY_SPEC_USER_KEYRING) == 0) return {};
  return std::unexpected(keyring_error("remove " + description, errno));
}

Result<std::vector<key_serial_t>> user_keyring_members() {
  std::vector<key_serial_t> ids;
  for (;;) {
    long size = keyctl_read(KEY_SPEC_USER_KEYRING, nullptr, 0);
    if (size < 0) return std::unexpected(keyring_error("read the user keyring", errno));
    ids.resize(static_cast<std::size_t>(size) / sizeof(key_serial_t));
    long got =
        keyctl_read(KEY_SPEC_USER_KEYRING, reinterpret_cast<char*>(ids.data()), ids.size() * sizeof(key_serial_t));
    if (got < 0) return std::unexpected(keyring_error("read the user keyring", errno));
    if (got <= size) {
      ids.resize(static_cast<std::size_t>(got) / sizeof(key_serial_t));
      return ids;
    }
  }
}

// The description of a "user" key; std::nullopt for other types and for
// keys this process may not see or that went away meanwhile.
Result<std::optional<std::string>> user_key_description(key_serial_t id) {
  char* text = nullptr;
  if (keyctl_describe_alloc(id, &text) < 0) {
    if (is_gone(errno) || errno == EACCES) return std::optional<std::string>{};
    return std::unexpected(keyring_error("describe key " + std::to_string(id), errno));
  }
  // "type;uid;gid;perm;description" (the description may hold ';').
  std::string_view fields = text;
  std::optional<std::string> description;
  std::size_t pos = 0;
  for (int i = 0; i < 4 && pos != std::string_view::npos; ++i) {
    pos = fields.find(';', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (fields.starts_with("user;") && pos != std::string_view::npos) description = std::string(fields.substr(pos));
  std::free(text);
  return description;
}

}  // namespace

Result<std::optional<util::Secret>> KeyctlStore::get(std::string_view item) {
  if (auto ok = check_item(item); !ok) return std::unexpected(ok.error());
  std::string description = describe_for(k_prefix, item);
  auto id = find(description);
  if (!id) return std::unexpected(id.error());
  if (!*id) return std::optional<util::Secret>{};
  return read_payload(**id, description);
}

Result<void> KeyctlStore::put(std::string_view item, const util::Secret& value,
                              std::optional<util::TimePoint> expiration) {
  if (auto ok = check_item(item); !ok) return ok;
  unsigned timeout = 0;
  if (expiration) {
    // Already past: let the kernel drop it at once rather than keep it forever.
    auto left = std::clamp<long long>((*expiration - m_clock.now()).count(), 1, UINT_MAX);
    timeout = static_cast<unsigned>(left);
  }
  // The value first: if the expiry write fails, list() under-reports rather
  // than claiming a longer life for an old value.
  if (auto written = write_key(describe_for(k_prefix, item), value.reveal(), timeout); !written) return written;
  std::string expiry_description = describe_for(k_expiry_prefix, item);
  if (!expiration) return destroy_key(expiry_description);
  return write_key(expiry_description, util::format_iso8601(*expiration), timeout);
}

Result<void> KeyctlStore::remove(std::string_view item) {
  if (auto ok = check_item(item); !ok) return ok;
  if (auto removed = destroy_key(describe_for(k_prefix, item)); !removed) return removed;
  return destroy_key(describe_for(k_expiry_prefix, item));
}

Result<std::vector<ItemInfo>> KeyctlStore::list() {
  auto ids = user_keyring_members();
  if (!ids) return std::unexpected(ids.error());
  std::map<std::string, key_serial_t> values;
  std::map<std::string, key_serial_t> expiries;
  for (key_serial_t id : *ids) {
    auto description = user_key_description(id);
    if (!description) return std::unexpected(description.error());
    if (!*description) continue;
    std::string_view text = **description;
    if (text.starts_with(k_prefix)) values.emplace(text.substr(k_prefix.size()), id);
    if (text.starts_with(k_expiry_prefix)) expiries.emplace(text.substr(k_expiry_prefix.size()), id);
  }
  std::vector<ItemInfo> items;
  for (const auto& [name, id] : values) {
    ItemInfo info{name, std::nullopt};
    if (auto it = expiries.find(name); it != expiries.end()) {
      std::string description = describe_for(k_expiry_prefix, name);
      auto text = read_payload(it->second, description);
      if (!text) return std::unexpected(text.error());
      if (*text) {
        info.expiration = util::parse_iso8601((*text)->reveal());
        if (!info.expiration) return fail(ErrorKind::io, "kernel keyring: " + description + " holds no ISO 8601 time");
      }
    }
    items.push_back(std::move(info));
  }
  return items;
}

Availability KeyctlStore::probe() {
  if (keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1) < 0) {
    return {false, "kernel user keyring unavailable: " + unavailable_reason(errno)};
  }
  if (keyctl_read(KEY_SPEC_USER_KEYRING, nullptr, 0) < 0) {
    return {false, "kernel user keyring unreadable: " + unavailable_reason(errno)};
  }
  return {true,
          "kernel user keyring (keyctl): keys live in the kernel until the user's last session ends or the machine "
          "reboots"};
}

}  // namespace stsh::store

// libsecret is loaded with dlopen: <libsecret/secret.h> supplies declarations
// only, and no binary links against it. GLib, GObject and GIO come in as
// libsecret's own dependencies, and dlsym on its handle finds their symbols.
#include "store/libsecret_backend.h"

#include <libsecret/secret.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <type_traits>

#include "util/dynlib.h"
#include "util/time_format.h"

namespace stsh::store {

namespace {

constexpr const char* k_no_service =
    "no Secret Service on the session bus (is gnome-keyring or KeePassXC running? or choose --backend file)";
constexpr const char* k_locked =
    "the keyring is locked: unlock it (e.g. log in to the desktop, or `gnome-keyring-daemon --unlock`), or choose "
    "--backend file";
constexpr const char* k_service_name = "org.freedesktop.secrets";

struct LibsecretApi {
  util::DynamicLibrary library;
  decltype(&secret_service_get_sync) service_get_sync = nullptr;
  decltype(&secret_service_search_sync) service_search_sync = nullptr;
  decltype(&secret_password_store_sync) password_store_sync = nullptr;
  decltype(&secret_password_lookup_sync) password_lookup_sync = nullptr;
  decltype(&secret_password_clear_sync) password_clear_sync = nullptr;
  decltype(&secret_password_free) password_free = nullptr;
  decltype(&secret_item_get_attributes) item_get_attributes = nullptr;
  decltype(&secret_item_get_locked) item_get_locked = nullptr;
  decltype(&secret_item_delete_sync) item_delete_sync = nullptr;
  decltype(&secret_collection_for_alias_sync) collection_for_alias_sync = nullptr;
  decltype(&secret_collection_get_label) collection_get_label = nullptr;
  decltype(&secret_collection_get_locked) collection_get_locked = nullptr;
  decltype(&secret_error_get_quark) secret_error_quark = nullptr;
  decltype(&g_dbus_error_quark) dbus_error_quark = nullptr;
  decltype(&g_io_error_quark) io_error_quark = nullptr;
  decltype(&g_error_free) error_free = nullptr;
  decltype(&g_free) free = nullptr;
  decltype(&g_object_unref) object_unref = nullptr;
  decltype(&g_list_free) list_free = nullptr;
  decltype(&g_hash_table_new) hash_table_new = nullptr;
  decltype(&g_hash_table_insert) hash_table_insert = nullptr;
  decltype(&g_hash_table_lookup) hash_table_lookup = nullptr;
  decltype(&g_hash_table_unref) hash_table_unref = nullptr;
  decltype(&g_str_hash) str_hash = nullptr;
  decltype(&g_str_equal) str_equal = nullptr;
  decltype(&g_dbus_proxy_get_connection) proxy_get_connection = nullptr;
  decltype(&g_dbus_connection_call_sync) connection_call_sync = nullptr;
  decltype(&g_variant_new) variant_new = nullptr;
  decltype(&g_variant_get) variant_get = nullptr;
  decltype(&g_variant_unref) variant_unref = nullptr;
};

Result<LibsecretApi> load_libsecret_api() {
  auto lib =
      util::DynamicLibrary::open({"libsecret-1.so.0"}, "libsecret (Debian: libsecret-1-0), for the Secret Service");
  if (!lib) return std::unexpected(lib.error());
  LibsecretApi api{std::move(*lib)};
  std::optional<Error> missing;
  auto resolve = [&](auto& fn, const char* name) { api.library.bind(fn, name, missing); };
  resolve(api.service_get_sync, "secret_service_get_sync");
  resolve(api.service_search_sync, "secret_service_search_sync");
  resolve(api.password_store_sync, "secret_password_store_sync");
  resolve(api.password_lookup_sync, "secret_password_lookup_sync");
  resolve(api.password_clear_sync, "secret_password_clear_sync");
  resolve(api.password_free, "secret_password_free");
  resolve(api.item_get_attributes, "secret_item_get_attributes");
  resolve(api.item_get_locked, "secret_item_get_locked");
  resolve(api.item_delete_sync, "secret_item_delete_sync");
  resolve(api.collection_for_alias_sync, "secret_collection_for_alias_sync");
  resolve(api.collection_get_label, "secret_collection_get_label");
  resolve(api.collection_get_locked, "secret_collection_get_locked");
  resolve(api.secret_error_quark, "secret_error_get_quark");
  resolve(api.dbus_error_quark, "g_dbus_error_quark");
  resolve(api.io_error_quark, "g_io_error_quark");
  resolve(api.error_free, "g_error_free");
  resolve(api.free, "g_free");
  resolve(api.object_unref, "g_object_unref");
  resolve(api.list_free, "g_list_free");
  resolve(api.hash_table_new, "g_hash_table_new");
  resolve(api.hash_table_insert, "g_hash_table_insert");
  resolve(api.hash_table_lookup, "g_hash_table_lookup");
  resolve(api.hash_table_unref, "g_hash_table_unref");
  resolve(api.str_hash, "g_str_hash");
  resolve(api.str_equal, "g_str_equal");
  resolve(api.proxy_get_connection, "g_dbus_proxy_get_connection");
  resolve(api.connection_call_sync, "g_dbus_connection_call_sync");
  resolve(api.variant_new, "g_variant_new");
  resolve(api.variant_get, "g_variant_get");
  resolve(api.variant_unref, "g_variant_unref");
  if (missing) return std::unexpected(*missing);
  return api;
}

Result<const LibsecretApi*> libsecret_api() {
  static const Result<LibsecretApi> api = load_libsecret_api();
  if (!api) return std::unexpected(api.error());
  return &*api;
}

// GNOME Keyring loads a keyring from disk with its attribute values hashed
// and xdg:schema hidden until it is unlocked, so matching on the schema name
// would make a locked item look absent (and never raise the unlock prompt).
// Every item therefore carries the marker attribute stsh=1 (the format
// version), which a locked keyring still matches, and searches use it
// instead of the schema name.
constexpr const char* k_marker = "stsh";
constexpr const char* k_marker_value = "1";

const SecretSchema& item_schema() {
  static const SecretSchema schema = [] {
    SecretSchema s{};
    s.name = "org.stsh.Item";
    s.flags = SECRET_SCHEMA_DONT_MATCH_NAME;
    s.attributes[0] = {"item", SECRET_SCHEMA_ATTRIBUTE_STRING};
    s.attributes[1] = {"expiration", SECRET_SCHEMA_ATTRIBUTE_STRING};
    s.attributes[2] = {k_marker, SECRET_SCHEMA_ATTRIBUTE_STRING};
    return s;
  }();
  return schema;
}

// Turns a GError into one line (and frees it): a missing service and a
// locked keyring are the two a user can act on.
Error take_error(const LibsecretApi& api, GError* error, std::string_view doing) {
  Error result{ErrorKind::io, "the Secret Service failed to " + std::string(doing)};
  if (error == nullptr) return result;
  bool no_service = false;
  if (error->domain == api.dbus_error_quark()) {
    switch (error->code) {
      case G_DBUS_ERROR_SERVICE_UNKNOWN:
      case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
      case G_DBUS_ERROR_NO_SERVER:
      case G_DBUS_ERROR_DISCONNECTED:
      case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
      case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
      case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
      case G_DBUS_ERROR_SPAWN_FAILED:
      case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND: no_service = true; break;
      default: break;
    }
  } else if (error->domain == api.io_error_quark()) {
    no_service = error->code == G_IO_ERROR_CLOSED;
  }
  if (no_service) {
    result = Error{ErrorKind::config, k_no_service};
  } else if (error->domain == api.secret_error_quark() && error->code == SECRET_ERROR_IS_LOCKED) {
    result = Error{ErrorKind::config, k_locked};
  } else if (error->message != nullptr) {
    result.message += std::string(": ") + error->message;
  }
  api.error_free(error);
  return result;
}

// Owns one GObject reference.
template <class T>
class GObjectRef {
 public:
  GObjectRef(const LibsecretApi& api, T* object) : m_api(api), m_object(object) {}
  GObjectRef(const GObjectRef&) = delete;
  GObjectRef& operator=(const GObjectRef&) = delete;
  ~GObjectRef() {
    if (m_object != nullptr) m_api.object_unref(m_object);
  }
  T* get() const { return m_object; }

 private:
  const LibsecretApi& m_api;
  T* m_object;
};

// A connected session: the library and the Secret Service proxy.
struct Connection {
  Connection(const LibsecretApi& a, SecretService* s) : api(a), service(a, s) {}
  const LibsecretApi& api;
  GObjectRef<SecretService> service;
};

Result<std::unique_ptr<Connection>> connect() {
  auto api = libsecret_api();
  if (!api) return std::unexpected(api.error());
  GError* error = nullptr;
  SecretService* service = (*api)->service_get_sync(SECRET_SERVICE_NONE, nullptr, &error);
  if (service == nullptr) {
    // Anything that stops the proxy (no bus, no autolaunch) means there is no service to talk to.
    if (error != nullptr) (*api)->error_free(error);
    return fail(ErrorKind::config, k_no_service);
  }
  return std::make_unique<Connection>(**api, service);
}

// One stsh item found by a search. Its name and expiry are readable unless
// the keyring was loaded locked from disk (then they are hashes).
struct FoundItem {
  SecretItem* item;  // owned by the ItemList
  std::optional<std::string> name;
  std::optional<std::string> expiration;
  bool locked;
};

class ItemList {
 public:
  ItemList(const LibsecretApi& api, GList* list) : m_api(api), m_list(list) {
    for (GList* l = list; l != nullptr; l = l->next) {
      auto* item = static_cast<SecretItem*>(l->data);
      GHashTable* attributes = api.item_get_attributes(item);
      auto value = [&](const char* key) -> std::optional<std::string> {
        auto* text = attributes ? static_cast<const char*>(api.hash_table_lookup(attributes, key)) : nullptr;
        return text ? std::optional<std::string>(text) : std::nullopt;
      };
      m_items.push_back({item, value("item"), value("expiration"), api.item_get_locked(item) != FALSE});
      if (attributes) api.hash_table_unref(attributes);
    }
  }
  ItemList(const ItemList&) = delete;
  ItemList& operator=(const ItemList&) = delete;
  ~ItemList() {
    for (GList* l = m_list; l != nullptr; l = l->next) m_api.object_unref(l->data);
    m_api.list_free(m_list);
  }
  const std::vector<FoundItem>& items() const { return m_items; }

 private:
  const LibsecretApi& m_api;
  GList* m_list;
  std::vector<FoundItem> m_items;
};

// Every stsh item (or those named `item`), locked or not; never prompts.
Result<std::unique_ptr<ItemList>> search(const Connection& c, const std::string* item) {
  GHashTable* attributes = c.api.hash_table_new(c.api.str_hash, c.api.str_equal);
  c.api.hash_table_insert(attributes, const_cast<char*>(k_marker), const_cast<char*>(k_marker_value));
  if (item != nullptr) c.api.hash_table_insert(attributes, const_cast<char*>("item"), const_cast<char*>(item->c_str()));
  GError* error = nullptr;
  GList* found =
      c.api.service_search_sync(c.service.get(), &item_schema(), attributes, SECRET_SEARCH_ALL, nullptr, &error);
  c.api.hash_table_unref(attributes);
  if (error != nullptr) return std::unexpected(take_error(c.api, error, "search the keyring"));
  return std::make_unique<ItemList>(c.api, found);
}

bool any_locked(const ItemList& list) {
  return std::ranges::any_of(list.items(), [](const FoundItem& f) { return f.locked; });
}

// "GNOME Keyring", "KeePassXC", "KWallet": whoever owns the bus name, for `probe`.
std::string service_owner(const Connection& c) {
  GDBusConnection* bus = c.api.proxy_get_connection(reinterpret_cast<GDBusProxy*>(c.service.get()));
  GVariant* reply = c.api.connection_call_sync(
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixProcessID",
      c.api.variant_new("(s)", k_service_name), reinterpret_cast<const GVariantType*>("(u)"), G_DBUS_CALL_FLAGS_NONE,
      2000, nullptr, nullptr);
  std::string comm;
  if (reply != nullptr) {
    guint32 pid = 0;
    c.api.variant_get(reply, "(u)", &pid);
    c.api.variant_unref(reply);
    std::ifstream("/proc/" + std::to_string(pid) + "/comm") >> comm;
  }
  if (comm.starts_with("gnome-keyring")) return "GNOME Keyring";
  if (comm.starts_with("keepassxc")) return "KeePassXC";
  if (comm.starts_with("kwalletd") || comm.starts_with("ksecretd")) return "KWallet";
  return comm.empty() ? "a Secret Service" : comm;
}

}  // namespace

Availability LibsecretStore::probe() {
  auto c = connect();
  if (!c) return Availability{false, c.error().message};
  const LibsecretApi& api = (*c)->api;
  GError* error = nullptr;
  SecretCollection* collection = api.collection_for_alias_sync((*c)->service.get(), SECRET_COLLECTION_DEFAULT,
                                                               SECRET_COLLECTION_NONE, nullptr, &error);
  if (error != nullptr) return Availability{false, take_error(api, error, "read the default keyring").message};
  std::string detail = service_owner(**c) + " via D-Bus";
  if (collection == nullptr)
    return Availability{true, detail + "; no default keyring yet (the first save creates one)"};
  GObjectRef<SecretCollection> owned(api, collection);
  gchar* label = api.collection_get_label(collection);
  detail += ", keyring \"" + std::string(label ? label : "") + "\"";
  api.free(label);
  detail += api.collection_get_locked(collection) ? " (locked)" : " (unlocked)";
  return Availability{true, detail};
}

Result<std::optional<util::Secret>> LibsecretStore::get(std::string_view item) {
  auto c = connect();
  if (!c) return std::unexpected(c.error());
  const LibsecretApi& api = (*c)->api;
  std::string name(item);
  GError* error = nullptr;
  gchar* password = api.password_lookup_sync(&item_schema(), nullptr, &error, k_marker, k_marker_value, "item",
                                             name.c_str(), nullptr);
  if (error != nullptr) return std::unexpected(take_error(api, error, "read " + name));
  if (password != nullptr) {
    util::Secret value{std::string(password)};
    api.password_free(password);  // wipes libsecret's copy
    return value;
  }
  // Nothing unlocked matched: either there is no such item, or the unlock
  // prompt was dismissed (or could not be shown) and the item stays locked.
  auto found = search(**c, &name);
  if (!found) return std::unexpected(found.error());
  if (any_locked(**found)) return fail(ErrorKind::config, k_locked);
  return std::nullopt;
}

Result<void> LibsecretStore::put(std::string_view item, const util::Secret& value,
                                 std::optional<util::TimePoint> expiration) {
  if (!is_storable_text(value.reveal())) {
    return fail(ErrorKind::internal, "the Secret Service stores text only; this value is not UTF-8 text");
  }
  auto c = connect();
  if (!c) return std::unexpected(c.error());
  const LibsecretApi& api = (*c)->api;
  std::string name(item);
  std::string label = "stsh: " + name;
  std::optional<std::string> expires = expiration ? std::optional(util::format_iso8601(*expiration)) : std::nullopt;
  std::string text(value.reveal());
  GError* error = nullptr;
  // The service replaces an item whose attributes are identical, in one step.
  gboolean stored =
      expires ? api.password_store_sync(&item_schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), text.c_str(), nullptr,
                                        &error, k_marker, k_marker_value, "item", name.c_str(), "expiration",
                                        expires->c_str(), nullptr)
              : api.password_store_sync(&item_schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), text.c_str(), nullptr,
                                        &error, k_marker, k_marker_value, "item", name.c_str(), nullptr);
  util::wipe(text);
  if (error != nullptr) return std::unexpected(take_error(api, error, "store " + name));
  if (!stored) return fail(ErrorKind::config, k_locked);  // the unlock or create prompt was dismissed

  // An item of the same name with another expiration is a different item to
  // the service; it goes only now, so a reader always finds a whole value.
  auto found = search(**c, &name);
  if (!found) return std::unexpected(found.error());
  for (const FoundItem& f : (*found)->items()) {
    if (f.expiration == expires) continue;
    if (!api.item_delete_sync(f.item, nullptr, &error)) {
      return std::unexpected(take_error(api, error, "replace the old " + name));
    }
  }
  return {};
}

Result<void> LibsecretStore::remove(std::string_view item) {
  auto c = connect();
  if (!c) return std::unexpected(c.error());
  const LibsecretApi& api = (*c)->api;
  std::string name(item);
  auto found = search(**c, &name);
  if (!found) return std::unexpected(found.error());
  if ((*found)->items().empty()) return {};
  GError* error = nullptr;
  api.password_clear_sync(&item_schema(), nullptr, &error, k_marker, k_marker_value, "item", name.c_str(), nullptr);
  if (error != nullptr) return std::unexpected(take_error(api, error, "remove " + name));
  // Some services clear one match per call, and none deletes a locked item.
  auto left = search(**c, &name);
  if (!left) return std::unexpected(left.error());
  if (any_locked(**left)) return fail(ErrorKind::config, k_locked);
  for (const FoundItem& f : (*left)->items()) {
    if (!api.item_delete_sync(f.item, nullptr, &error)) {
      return std::unexpected(take_error(api, error, "remove " + name));
    }
  }
  return {};
}

Result<std::vector<ItemInfo>> LibsecretStore::list() {
  auto c = connect();
  if (!c) return std::unexpected(c.error());
  auto found = search(**c, nullptr);
  if (!found) return std::unexpected(found.error());
  // A put that was interrupted may leave two items of one name: report the later expiry.
  std::map<std::string, std::optional<util::TimePoint>> by_name;
  for (const FoundItem& f : (*found)->items()) {
    if (!f.name) return fail(ErrorKind::config, k_locked);  // names stay hashed until the keyring is unlocked
    std::optional<util::TimePoint> expiration = f.expiration ? util::parse_iso8601(*f.expiration) : std::nullopt;
    auto [it, inserted] = by_name.emplace(*f.name, expiration);
    if (!inserted && expiration && (!it->second || *expiration > *it->second)) it->second = expiration;
  }
  std::vector<ItemInfo> items;
  for (auto& [name, expiration] : by_name) items.push_back(ItemInfo{name, expiration});
  return items;
}

}  // namespace stsh::store

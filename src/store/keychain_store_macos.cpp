// The expiration is kept in the item's comment (kSecAttrComment) so that
// list() reads attributes only, which never prompts or unlocks.

#include "store/keychain_store_macos.h"

#include <CoreFoundation/CoreFoundation.h>
#include <Security/Security.h>

#include "util/time_format.h"

namespace stsh::store {

namespace {

constexpr const char* k_service = "stsh";

// Owns a Core Foundation reference.
template <class T>
struct Cf {
  T ref = nullptr;
  ~Cf() {
    if (ref != nullptr) CFRelease(ref);
  }
};

CFStringRef cf_string(std::string_view text) {
  return CFStringCreateWithBytes(nullptr, reinterpret_cast<const UInt8*>(text.data()),
                                 static_cast<CFIndex>(text.size()), kCFStringEncodingUTF8, false);
}

std::string from_cf(CFStringRef text) {
  if (text == nullptr) return {};
  CFIndex size = CFStringGetMaximumSizeForEncoding(CFStringGetLength(text), kCFStringEncodingUTF8) + 1;
  std::string out(static_cast<std::size_t>(size), '\0');
  if (!CFStringGetCString(text, out.data(), size, kCFStringEncodingUTF8)) return {};
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// The base query: one stsh item, or every stsh item when `item` is empty.
CFMutableDictionaryRef query(std::string_view item) {
  CFMutableDictionaryRef q =
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  Cf<CFStringRef> service{cf_string(k_service)};
  CFDictionarySetValue(q, kSecClass, kSecClassGenericPassword);
  CFDictionarySetValue(q, kSecAttrService, service.ref);
  if (!item.empty()) {
    Cf<CFStringRef> account{cf_string(item)};
    CFDictionarySetValue(q, kSecAttrAccount, account.ref);
  }
  return q;
}

Error keychain_error(OSStatus status, std::string_view what) {
  Cf<CFStringRef> message{SecCopyErrorMessageString(status, nullptr)};
  ErrorKind kind =
      status == errSecInteractionNotAllowed || status == errSecAuthFailed ? ErrorKind::config : ErrorKind::io;
  return Error{kind, "the macOS Keychain could not " + std::string(what) + ": " + from_cf(message.ref) +
                         (kind == ErrorKind::config ? " (unlock the login keychain, or choose --backend file)" : "")};
}

}  // namespace

Result<std::optional<util::Secret>> KeychainStore::get(std::string_view item) {
  Cf<CFMutableDictionaryRef> q{query(item)};
  CFDictionarySetValue(q.ref, kSecReturnData, kCFBooleanTrue);
  CFDictionarySetValue(q.ref, kSecMatchLimit, kSecMatchLimitOne);
  Cf<CFTypeRef> data;
  OSStatus status = SecItemCopyMatching(q.ref, &data.ref);
  if (status == errSecItemNotFound) return std::optional<util::Secret>{};
  if (status != errSecSuccess) return std::unexpected(keychain_error(status, "read " + std::string(item)));
  auto bytes = static_cast<CFDataRef>(data.ref);
  std::string value(reinterpret_cast<const char*>(CFDataGetBytePtr(bytes)),
                    static_cast<std::size_t>(CFDataGetLength(bytes)));
  return std::optional<util::Secret>(util::Secret(std::move(value)));
}

Result<void> KeychainStore::put(std::string_view item, const util::Secret& value,
                                std::optional<util::TimePoint> expiration) {
  Cf<CFDataRef> data{CFDataCreate(nullptr, reinterpret_cast<const UInt8*>(value.reveal().data()),
                                  static_cast<CFIndex>(value.reveal().size()))};
  Cf<CFStringRef> comment{cf_string(expiration ? util::format_iso8601(*expiration) : "")};
  Cf<CFStringRef> label{cf_string("stsh: " + std::string(item))};
  // SecItemUpdate changes the item in place: a reader sees old or new.
  Cf<CFMutableDictionaryRef> changes{
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks)};
  CFDictionarySetValue(changes.ref, kSecValueData, data.ref);
  CFDictionarySetValue(changes.ref, kSecAttrComment, comment.ref);
  Cf<CFMutableDictionaryRef> q{query(item)};
  OSStatus status = SecItemUpdate(q.ref, changes.ref);
  if (status == errSecItemNotFound) {
    CFDictionarySetValue(q.ref, kSecValueData, data.ref);
    CFDictionarySetValue(q.ref, kSecAttrComment, comment.ref);
    CFDictionarySetValue(q.ref, kSecAttrLabel, label.ref);
    status = SecItemAdd(q.ref, nullptr);
  }
  if (status != errSecSuccess) return std::unexpected(keychain_error(status, "store " + std::string(item)));
  return {};
}

Result<void> KeychainStore::remove(std::string_view item) {
  Cf<CFMutableDictionaryRef> q{query(item)};
  OSStatus status = SecItemDelete(q.ref);
  if (status != errSecSuccess && status != errSecItemNotFound) {
    return std::unexpected(keychain_error(status, "remove " + std::string(item)));
  }
  return {};
}

Result<std::vector<ItemInfo>> KeychainStore::list() {
  Cf<CFMutableDictionaryRef> q{query("")};
  CFDictionarySetValue(q.ref, kSecReturnAttributes, kCFBooleanTrue);
  CFDictionarySetValue(q.ref, kSecMatchLimit, kSecMatchLimitAll);
  Cf<CFTypeRef> found;
  OSStatus status = SecItemCopyMatching(q.ref, &found.ref);
  std::vector<ItemInfo> items;
  if (status == errSecItemNotFound) return items;
  if (status != errSecSuccess) return std::unexpected(keychain_error(status, "list stsh's items"));
  auto array = static_cast<CFArrayRef>(found.ref);
  for (CFIndex i = 0; i < CFArrayGetCount(array); ++i) {
    auto attributes = static_cast<CFDictionaryRef>(CFArrayGetValueAtIndex(array, i));
    std::string name = from_cf(static_cast<CFStringRef>(CFDictionaryGetValue(attributes, kSecAttrAccount)));
    std::string comment = from_cf(static_cast<CFStringRef>(CFDictionaryGetValue(attributes, kSecAttrComment)));
    items.push_back({name, util::parse_iso8601(comment)});
  }
  return items;
}

}  // namespace stsh::store

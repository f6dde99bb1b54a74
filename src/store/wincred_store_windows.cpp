// The expiration is kept in the credential's Comment so that list() reads
// no secret. CredWrite replaces a credential of the same name in one call.

#include "store/wincred_store_windows.h"

#include <wincred.h>
#include <windows.h>

#include "util/time_format.h"

namespace stsh::store {

namespace {

constexpr std::string_view k_prefix = "stsh:";

std::wstring widen(std::string_view text) {
  if (text.empty()) return {};
  int size = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
  return out;
}

std::string narrow(const wchar_t* text) {
  if (text == nullptr) return {};
  int size = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(size > 0 ? size - 1 : 0), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
  return out;
}

Error wincred_error(std::string_view what) {
  return Error{ErrorKind::io, "Windows Credential Manager could not " + std::string(what) + " (error " +
                                  std::to_string(GetLastError()) + ")"};
}

}  // namespace

Result<std::optional<util::Secret>> WincredStore::get(std::string_view item) {
  std::wstring target = widen(std::string(k_prefix) + std::string(item));
  PCREDENTIALW credential = nullptr;
  if (!CredReadW(target.c_str(), CRED_TYPE_GENERIC, 0, &credential)) {
    if (GetLastError() == ERROR_NOT_FOUND) return std::optional<util::Secret>{};
    return std::unexpected(wincred_error("read " + std::string(item)));
  }
  std::string value(reinterpret_cast<const char*>(credential->CredentialBlob), credential->CredentialBlobSize);
  SecureZeroMemory(credential->CredentialBlob, credential->CredentialBlobSize);
  CredFree(credential);
  return std::optional<util::Secret>(util::Secret(std::move(value)));
}

Result<void> WincredStore::put(std::string_view item, const util::Secret& value,
                               std::optional<util::TimePoint> expiration) {
  std::wstring target = widen(std::string(k_prefix) + std::string(item));
  std::wstring comment = widen(expiration ? util::format_iso8601(*expiration) : "");
  std::string blob(value.reveal());
  CREDENTIALW credential{};
  credential.Type = CRED_TYPE_GENERIC;
  credential.TargetName = target.data();
  credential.Comment = comment.data();
  credential.CredentialBlobSize = static_cast<DWORD>(blob.size());
  credential.CredentialBlob = reinterpret_cast<LPBYTE>(blob.data());
  credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
  BOOL written = CredWriteW(&credential, 0);
  util::wipe(blob);
  if (!written) return std::unexpected(wincred_error("store " + std::string(item)));
  return {};
}

Result<void> WincredStore::remove(std::string_view item) {
  std::wstring target = widen(std::string(k_prefix) + std::string(item));
  if (!CredDeleteW(target.c_str(), CRED_TYPE_GENERIC, 0) && GetLastError() != ERROR_NOT_FOUND) {
    return std::unexpected(wincred_error("remove " + std::string(item)));
  }
  return {};
}

Result<std::vector<ItemInfo>> WincredStore::list() {
  DWORD count = 0;
  PCREDENTIALW* credentials = nullptr;
  std::vector<ItemInfo> items;
  if (!CredEnumerateW(L"stsh:*", 0, &count, &credentials)) {
    if (GetLastError() == ERROR_NOT_FOUND) return items;
    return std::unexpected(wincred_error("list stsh's items"));
  }
  for (DWORD i = 0; i < count; ++i) {
    std::string name = narrow(credentials[i]->TargetName).substr(k_prefix.size());
    items.push_back({name, util::parse_iso8601(narrow(credentials[i]->Comment))});
  }
  CredFree(credentials);
  return items;
}

}  // namespace stsh::store

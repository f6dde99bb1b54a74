#pragma once
// Loads an optional shared library at run time (dlopen), so that the
// commands which never need it do not pay for loading it at start-up.

#include <initializer_list>
#include <optional>
#include <string>

#include "util/error.h"

namespace stsh::util {

class DynamicLibrary {
 public:
  // Tries each soname in turn; the error names them all.
  static Result<DynamicLibrary> open(std::initializer_list<const char*> sonames, std::string_view purpose);

  DynamicLibrary(DynamicLibrary&& other) noexcept : m_handle(other.m_handle), m_name(std::move(other.m_name)) {
    other.m_handle = nullptr;
  }
  DynamicLibrary& operator=(DynamicLibrary&&) = delete;
  DynamicLibrary(const DynamicLibrary&) = delete;
  // Libraries stay loaded for the life of the process (their symbols are
  // cached in function tables), so the destructor does not dlclose.
  ~DynamicLibrary() = default;

  const std::string& name() const { return m_name; }

  // Resolves a symbol as a pointer of the type of `Fn` (e.g. decltype(&curl_easy_init)).
  template <class FnPtr>
  Result<FnPtr> symbol(const char* name) const {
    auto raw = raw_symbol(name);
    if (!raw) return std::unexpected(raw.error());
    return reinterpret_cast<FnPtr>(*raw);
  }

  // Fills a function table one entry at a time; the first missing symbol
  // is kept in `first_error` so the loader reports it once, after the lot.
  template <class FnPtr>
  void bind(FnPtr& target, const char* name, std::optional<Error>& first_error) const {
    auto found = symbol<FnPtr>(name);
    if (found) {
      target = *found;
    } else if (!first_error) {
      first_error = found.error();
    }
  }

 private:
  DynamicLibrary(void* handle, std::string name) : m_handle(handle), m_name(std::move(name)) {}
  Result<void*> raw_symbol(const char* name) const;

  void* m_handle;
  std::string m_name;
};

}  // namespace stsh::util

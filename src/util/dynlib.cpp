#include "util/dynlib.h"

#include <dlfcn.h>

namespace stsh::util {

Result<DynamicLibrary> DynamicLibrary::open(std::initializer_list<const char*> sonames, std::string_view purpose) {
  std::string tried;
  std::string last_error;
  for (const char* soname : sonames) {
    void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) return DynamicLibrary(handle, soname);
    if (!tried.empty()) tried += ", ";
    tried += soname;
    if (const char* err = dlerror()) last_error = err;
  }
  return fail(ErrorKind::config, "cannot load " + std::string(purpose) + " (tried " + tried +
                                     "): install it (Debian: see README) [" + last_error + "]");
}

Result<void*> DynamicLibrary::raw_symbol(const char* name) const {
  dlerror();
  void* sym = dlsym(m_handle, name);
  if (sym == nullptr) {
    return fail(ErrorKind::config, "library " + m_name + " lacks symbol " + name + "; it is too old for stsh");
  }
  return sym;
}

}  // namespace stsh::util

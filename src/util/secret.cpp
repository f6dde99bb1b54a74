#include "util/secret.h"

#include <cstring>

namespace stsh::util {

void wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) {
    explicit_bzero(data, size);
  }
}

void wipe(std::string& s) {
  // Wipe the whole capacity: a shrunk string keeps old bytes past size().
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
}

}  // namespace stsh::util

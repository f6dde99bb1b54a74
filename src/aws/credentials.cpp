#include "aws/credentials.h"

namespace stsh::aws {

std::string redact_key_id(std::string_view id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  return std::string(id.substr(0, 4)) + "..." + std::string(id.substr(id.size() - 4));
}

}  // namespace stsh::aws

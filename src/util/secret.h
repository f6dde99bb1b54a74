#pragma once
// A string holding secret material: wiped when destroyed or overwritten,
// never printable by accident (no operator<<).

#include <string>
#include <string_view>

namespace stsh::util {

// Overwrites memory in a way the compiler may not elide.
void wipe(void* data, std::size_t size);
void wipe(std::string& s);

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : m_value(std::move(value)) {}
  Secret(const Secret& other) : m_value(other.m_value) {}
  Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { wipe(other.m_value); }
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe(m_value);
      m_value = other.m_value;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe(m_value);
      m_value = std::move(other.m_value);
      wipe(other.m_value);
    }
    return *this;
  }
  ~Secret() { wipe(m_value); }

  std::string_view reveal() const { return m_value; }
  bool empty() const { return m_value.empty(); }
  bool operator==(const Secret& other) const { return m_value == other.m_value; }

 private:
  std::string m_value;
};

}  // namespace stsh::util

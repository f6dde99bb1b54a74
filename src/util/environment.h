#pragma once
// Read access to environment variables, behind an interface so tests can
// supply their own.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stsh::util {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value; std::nullopt when unset. Set-but-empty is "".
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  // The value, treating unset and empty alike.
  std::optional<std::string> get_nonempty(std::string_view name) const {
    auto v = get(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  }
  // Every variable, for handing a full environment to a child.
  virtual std::vector<std::pair<std::string, std::string>> all() const = 0;
};

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override;
  std::vector<std::pair<std::string, std::string>> all() const override;
};

class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string, std::less<>> vars) : m_vars(std::move(vars)) {}
  void set(std::string name, std::string value) { m_vars[std::move(name)] = std::move(value); }
  std::optional<std::string> get(std::string_view name) const override {
    auto it = m_vars.find(name);
    if (it == m_vars.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::pair<std::string, std::string>> all() const override { return {m_vars.begin(), m_vars.end()}; }

 private:
  std::map<std::string, std::string, std::less<>> m_vars;
};

}  // namespace stsh::util

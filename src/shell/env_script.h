#pragma once
// Environment changes rendered as code for the user's shell to eval.

#include <string>
#include <utility>
#include <vector>

#include "shell/quote.h"

namespace stsh::shell {

class EnvScript {
 public:
  void set(std::string name, std::string value) { m_ops.push_back({Op::set, std::move(name), std::move(value)}); }
  void unset(std::string name) { m_ops.push_back({Op::unset, std::move(name), {}}); }
  // Sets the variable only when the shell does not have it yet.
  void set_default(std::string name, std::string value) {
    m_ops.push_back({Op::set_default, std::move(name), std::move(value)});
  }

  // The script; the result holds secrets: wipe it after writing.
  std::string render(ShellKind kind) const;
  // "NAME=value" lines with no quoting, for .env files and `env` tools.
  std::string render_dotenv() const;
  // The environment a child gets when the script runs in `env`.
  std::vector<std::pair<std::string, std::string>> apply(std::vector<std::pair<std::string, std::string>> env) const;
  ~EnvScript();

 private:
  enum class Op { set, unset, set_default };
  struct Step {
    Op op;
    std::string name;
    std::string value;
  };
  std::vector<Step> m_ops;
};

}  // namespace stsh::shell

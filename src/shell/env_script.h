#pragma once
// Environment changes rendered as code for the user's shell to eval.

#include <string>
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

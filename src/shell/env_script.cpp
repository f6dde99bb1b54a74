#include "shell/env_script.h"

#include "util/secret.h"

namespace stsh::shell {

EnvScript::~EnvScript() {
  for (auto& step : m_ops) util::wipe(step.value);
}

std::string EnvScript::render(ShellKind kind) const {
  std::string out;
  for (const auto& step : m_ops) {
    const std::string& n = step.name;
    if (kind == ShellKind::fish) {
      switch (step.op) {
        case Op::set: out += "set -gx " + n + " " + quote(step.value, kind) + ";\n"; break;
        case Op::unset: out += "set -e " + n + ";\n"; break;
        case Op::set_default:
          out += "test -n \"$" + n + "\"; or set -gx " + n + " " + quote(step.value, kind) + ";\n";
          break;
      }
    } else {
      switch (step.op) {
        case Op::set: out += "export " + n + "=" + quote(step.value, kind) + ";\n"; break;
        case Op::unset: out += "unset " + n + ";\n"; break;
        case Op::set_default:
          out += "if [ -z \"${" + n + "-}\" ]; then " + n + "=" + quote(step.value, kind) + "; fi; export " + n + ";\n";
          break;
      }
    }
  }
  return out;
}

}  // namespace stsh::shell

#include "shell/env_script.h"

#include <algorithm>

#include "util/secret.h"

namespace stsh::shell {

EnvScript::~EnvScript() {
  for (auto& step : m_ops) util::wipe(step.value);
}

std::string EnvScript::render_dotenv() const {
  std::string out;
  for (const auto& step : m_ops) {
    if (step.op != Op::unset) out += step.name + "=" + step.value + "\n";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> EnvScript::apply(
    std::vector<std::pair<std::string, std::string>> env) const {
  auto find = [&](const std::string& name) {
    return std::find_if(env.begin(), env.end(), [&](const auto& entry) { return entry.first == name; });
  };
  for (const auto& step : m_ops) {
    auto it = find(step.name);
    switch (step.op) {
      case Op::set:
        if (it != env.end())
          it->second = step.value;
        else
          env.emplace_back(step.name, step.value);
        break;
      case Op::unset:
        if (it != env.end()) env.erase(it);
        break;
      case Op::set_default:
        if (it == env.end())
          env.emplace_back(step.name, step.value);
        else if (it->second.empty())
          it->second = step.value;
        break;
    }
  }
  return env;
}

std::string EnvScript::render(ShellKind kind) const {
  std::string out;
  for (const auto& step : m_ops) {
    const std::string& n = step.name;
    if (kind == ShellKind::powershell) {
      switch (step.op) {
        case Op::set: out += "$env:" + n + " = " + quote(step.value, kind) + "\n"; break;
        case Op::unset: out += "Remove-Item Env:" + n + " -ErrorAction SilentlyContinue\n"; break;
        case Op::set_default:
          out += "if (-not $env:" + n + ") { $env:" + n + " = " + quote(step.value, kind) + " }\n";
          break;
      }
    } else if (kind == ShellKind::fish) {
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

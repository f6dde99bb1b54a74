#pragma once
// A terminal for unit tests: records each prompt and answers with `answer`,
// or fails as when there is no terminal.

#include <optional>
#include <string>
#include <vector>

#include "util/terminal.h"

namespace stsh::fakes {

class FakeTerminal final : public util::Terminal {
 public:
  std::optional<std::string> answer;
  std::vector<std::string> prompts;
  Result<util::Secret> ask(std::string_view prompt, bool) override {
    prompts.emplace_back(prompt);
    if (!answer) return fail(ErrorKind::interaction, "no terminal to ask on");
    return util::Secret(*answer);
  }
};

}  // namespace stsh::fakes

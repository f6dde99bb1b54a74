#include "shell/init_script.h"

namespace stsh::shell {

namespace {

// Works in bash 3.2 (macOS), bash 5 and zsh: no ${x,,}, no namerefs.
// The binary prints shell code on stdout only when it succeeds; a failure
// leaves the environment untouched and returns its exit status.
constexpr std::string_view k_posix_template = R"SH(# stsh shell integration for @SHELL@: eval "$(stsh init @SHELL@)"
__stsh_eval() {
  local __stsh_cmd __stsh_out
  __stsh_cmd=$1
  shift
  __stsh_out=$(@EXE@ "$__stsh_cmd" --shell=@SHELL@ "$@") || return $?
  eval "$__stsh_out"
}
ec2switch() { __stsh_eval switch "$@"; }
ec2mfa() { __stsh_eval mfa "$@"; }
ec2now() { @EXE@ now "$@"; }
stsh() {
  case "${1-}" in
    switch|mfa) __stsh_eval "$@" ;;
    *) @EXE@ "$@" ;;
  esac
}
)SH";

constexpr std::string_view k_fish_template = R"SH(# stsh shell integration for fish: stsh init fish | source
function __stsh_eval
    set -l __stsh_out (@EXE@ $argv[1] --shell=fish $argv[2..-1])
    set -l __stsh_status $status
    test $__stsh_status -eq 0; or return $__stsh_status
    string join \n -- $__stsh_out | source
end
function ec2switch; __stsh_eval switch $argv; end
function ec2mfa; __stsh_eval mfa $argv; end
function ec2now; @EXE@ now $argv; end
function stsh
    switch "$argv[1]"
        case switch mfa
            __stsh_eval $argv
        case '*'
            @EXE@ $argv
    end
end
)SH";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

}  // namespace

std::string init_script(ShellKind kind, std::string_view exe) {
  std::string text(kind == ShellKind::fish ? k_fish_template : k_posix_template);
  std::string name(shell_name(kind == ShellKind::posix ? ShellKind::bash : kind));
  text = replace_all(std::move(text), "@SHELL@", name);
  return replace_all(std::move(text), "@EXE@", quote(exe, kind));
}

}  // namespace stsh::shell

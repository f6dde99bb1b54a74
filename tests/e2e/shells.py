"""Driving real shells (bash, zsh, fish, sh) for the e2e suite."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pexpect

PEXPECT_TIMEOUT = 10

SHELL_ARGV = {
    "sh": ["sh"],
    "bash": ["bash", "--norc", "--noprofile"],
    "zsh": ["zsh", "-f"],
    "fish": ["fish", "--no-config"],
}

# Interactive variants; bash without readline so the pty shows plain text.
INTERACTIVE_ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "--noediting", "-i"],
    "zsh": ["zsh", "-f", "-i"],
    "fish": ["fish", "--no-config", "-i"],
}

ENV_MARK = "ENVJSON="
DUMP_ENV = f"'{sys.executable}' -c 'import os,json; print(\"{ENV_MARK}\"+json.dumps(dict(os.environ)))'"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def have_shell(name: str) -> bool:
    return shutil.which(SHELL_ARGV[name][0]) is not None


def init_line(shell: str, stsh: str = "stsh") -> str:
    if shell == "fish":
        return f"{stsh} init fish | source"
    return f'eval "$({stsh} init {shell})"'


def eval_line(shell: str, stsh_args: str) -> str:
    """A line that applies `stsh ARGS` shell output in the given shell."""
    if shell == "fish":
        return f"stsh {stsh_args} --shell=fish | source"
    if shell == "sh":
        return f'eval "$(stsh {stsh_args})"'
    return f'eval "$(stsh {stsh_args} --shell={shell})"'


def parse_env_dump(text: str) -> dict[str, str]:
    for line in text.splitlines():
        line = line.strip("\r")
        if line.startswith(ENV_MARK):
            return json.loads(line[len(ENV_MARK):])
    raise AssertionError(f"no environment dump in output:\n{text}")


def run_script(shell: str, script: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess:
    """Runs a non-interactive script in a fresh shell with no controlling terminal."""
    return subprocess.run(
        SHELL_ARGV[shell] + ["-c", script],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
    )


def clean_lines(text: str) -> list[str]:
    """Terminal output as plain lines: no escapes, no CRs, no fish '⏎' filler."""
    text = _ANSI.sub("", text)
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.split("\r")[-1] if "\r" in raw.rstrip("\r") else raw.rstrip("\r")
        line = line.rstrip()
        if not line or line.strip() == "⏎":
            continue
        lines.append(line)
    return lines


class ShellSession:
    """An interactive shell in a pseudo-terminal.

    Each command is bracketed by BEGIN/END markers printed with printf, so the
    echoed command line (which shows `BEGIN 3`, not `BEGIN_3`) never matches.
    """

    def __init__(self, shell: str, env: dict[str, str], cwd: str | None = None, timeout: float = PEXPECT_TIMEOUT):
        self.shell = shell
        argv = INTERACTIVE_ARGV[shell]
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, cwd=cwd, encoding="utf-8", codec_errors="replace",
            dimensions=(50, 1000), timeout=timeout,
        )
        self._n = 0
        self.transcript: list[str] = []
        self.run("true")  # wait until the shell reads commands

    def run(self, command: str, respond: list[tuple[str, str]] | None = None) -> list[str]:
        """Runs command; for each (prompt, answer) waits for prompt and types answer."""
        self._n += 1
        n = self._n
        self.child.sendline(f"printf '%s_%s\\n' BEGIN {n}; {command}; printf '%s_%s\\n' END {n}")
        self.child.expect_exact(f"BEGIN_{n}\r\n")
        out = ""
        for prompt, answer in respond or []:
            self.child.expect_exact(prompt)
            out += self.child.before + self.child.after
            self.child.sendline(answer)
        self.child.expect_exact(f"END_{n}\r\n")
        out += self.child.before
        self.transcript.append(f"$ {command}\n{out}")
        return clean_lines(out)

    def env(self) -> dict[str, str]:
        self._n += 1
        n = self._n
        self.child.sendline(f"printf '%s_%s\\n' BEGIN {n}; {DUMP_ENV}; printf '%s_%s\\n' END {n}")
        self.child.expect_exact(f"BEGIN_{n}\r\n")
        self.child.expect_exact(f"END_{n}\r\n")
        return parse_env_dump(self.child.before)

    def close(self) -> None:
        if self.child.isalive():
            self.child.sendline("exit")
            try:
                self.child.expect(pexpect.EOF, timeout=3)
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
        self.child.close(force=True)

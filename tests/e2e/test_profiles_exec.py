"""`stsh exec PROFILE [--] CMD`, and `ec2switch PROFILE` for config profiles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from e2e_util import (
    BASE_KEYS,
    assert_error,
    assert_ok,
    parse_time,
    profile_cache_entry,
    role_arn,
    run,
    write_base_profiles,
)
from shells import DUMP_ENV, ENV_MARK, init_line, parse_env_dump, run_script

PY_DUMP_ENV = ["-c", f"import os, json; print({ENV_MARK!r} + json.dumps(dict(os.environ)))"]


def exec_env(stsh, profile: str, env: dict, *extra: str) -> dict:
    cp = run(stsh, ["exec", *extra, profile, "--", sys.executable, *PY_DUMP_ENV], env)
    assert_ok(cp)
    return parse_env_dump(cp.stdout)


@pytest.mark.parametrize("separator", [["--"], []], ids=["with-dashdash", "without-dashdash"])
def test_exec_passes_exit_status_through(separator, stsh, home, profile_env):
    write_base_profiles(home)
    cp = run(stsh, ["exec", "role", *separator, "sh", "-c", "exit 7"], profile_env)
    assert cp.returncode == 7, cp.stderr
    assert cp.stderr == "" and cp.stdout == ""


def test_exec_environment_holds_the_profile_credentials(stsh, home, profile_env, sts):
    write_base_profiles(home)
    parent = dict(profile_env, KEEP_ME="yes", AWS_SESSION_TOKEN="stale-token", AWS_REGION="ap-south-1")
    e = exec_env(stsh, "role", parent)
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert e["AWS_ACCESS_KEY_ID"] == e["AWS_ACCESS_KEY"] == entry["AccessKeyId"]
    assert e["AWS_SECRET_ACCESS_KEY"] == e["AWS_SECRET_KEY"] == entry["SecretAccessKey"]
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DELEGATION_TOKEN"):
        assert e[var] == entry["SessionToken"], var
    assert e["AWS_REGION"] == e["AWS_DEFAULT_REGION"] == "eu-west-1"  # the profile's region
    assert parse_time(e["AWS_CREDENTIAL_EXPIRATION"]) == parse_time(entry["Expiration"])
    assert parse_time(e["STSH_EXPIRATION"]) == parse_time(entry["Expiration"])
    assert e["STSH_PROFILE"] == "role"
    assert e["MY_AWS_SET_FOR"] == e["STSH_ACCOUNT"] == "role"
    assert e["KEEP_ME"] == "yes" and e["HOME"] == str(home)

    # Long-lived keys: a session token inherited from the parent must not survive.
    e = exec_env(stsh, "base", parent)
    assert (e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"]) == BASE_KEYS
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DELEGATION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"):
        assert var not in e, f"{var}={e[var]!r} leaked into a long-lived-keys exec"
    assert e["AWS_REGION"] == e["AWS_DEFAULT_REGION"] == "us-west-2"
    assert e["STSH_PROFILE"] == "base"


def all_cmdlines() -> dict[int, bytes]:
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                out[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                pass
    return out


def wait_for_cmdline(pid: int, want: bytes, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == want:
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"pid {pid} never became {want!r}")


def test_exec_puts_no_secret_in_any_argv(stsh, home, profile_env, sts):
    write_base_profiles(home)
    seen: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def watch():  # while stsh (and stsh-net) run: the long-lived secret must never be in an argv
        secret = BASE_KEYS[1].encode()
        while not stop.is_set():
            seen.extend((pid, c) for pid, c in all_cmdlines().items() if secret in c)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    proc = subprocess.Popen([str(stsh), "exec", "role", "--", "sleep", "30"], env=profile_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        # Same pid: stsh replaced itself with the command.
        wait_for_cmdline(proc.pid, b"sleep\x0030\x00")
        stop.set()
        watcher.join()
        environ = dict(
            item.split(b"=", 1) for item in Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0") if b"=" in item
        )
        secrets = [BASE_KEYS[1].encode(), environ[b"AWS_SECRET_ACCESS_KEY"], environ[b"AWS_SESSION_TOKEN"]]
        leaks = [(pid, c) for pid, c in all_cmdlines().items() for s in secrets if s in c]
        assert not leaks and not seen, f"secret in argv: {leaks or seen}"
    finally:
        stop.set()
        proc.kill()
        proc.wait(timeout=10)
        proc.stderr.close()


def test_sigterm_to_exec_pid_reaches_the_command(stsh, home, profile_env):
    write_base_profiles(home)
    script = "trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done"
    proc = subprocess.Popen([str(stsh), "exec", "role", "--", "sh", "-c", script], env=profile_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert Path(f"/proc/{proc.pid}/cmdline").read_bytes().startswith(b"sh\x00-c\x00")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 42
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_exec_refuses_to_nest_unless_forced(stsh, home, profile_env):
    write_base_profiles(home)
    cp = run(stsh, ["exec", "role", "--", str(stsh), "exec", "base", "--", "true"], profile_env)
    line = assert_error(cp, 2)
    assert "role" in line and "--force" in line, line

    shown = 'echo "$STSH_PROFILE $AWS_ACCESS_KEY_ID"'
    cp = run(stsh, ["exec", "role", "--", str(stsh), "exec", "--force", "base", "--", "sh", "-c", shown], profile_env)
    assert_ok(cp)
    assert cp.stdout.split() == ["base", BASE_KEYS[0]]


def test_exec_without_command_runs_shell(stsh, home, profile_env):
    write_base_profiles(home)
    fake_shell = home / "fake-shell"
    fake_shell.write_text('#!/bin/sh\necho "FAKE-SHELL $# $STSH_PROFILE $AWS_ACCESS_KEY_ID"\nexit 5\n')
    fake_shell.chmod(0o755)
    cp = run(stsh, ["exec", "base"], dict(profile_env, SHELL=str(fake_shell)))
    assert cp.returncode == 5, cp.stderr
    assert cp.stdout.split() == ["FAKE-SHELL", "0", "base", BASE_KEYS[0]]


def test_exec_with_unresolvable_profile_runs_nothing(stsh, home, profile_env):
    write_base_profiles(home)
    marker = home / "ran"
    cp = run(stsh, ["exec", "nosuch", "--", "touch", str(marker)], profile_env)
    line = assert_error(cp, 3)
    assert "nosuch" in line
    assert not marker.exists()


# --- ec2switch PROFILE -----------------------------------------------------------------------

def test_ec2switch_config_profile_sets_region_in_bash(stsh, home, profile_env, sts):
    write_base_profiles(home)
    env = dict(profile_env, AWS_REGION="ap-south-1", AWS_DEFAULT_REGION="ap-south-1")
    cp = run_script("bash", "\n".join([init_line("bash"), "ec2switch role", DUMP_ENV]), env)
    assert_ok(cp)
    e = parse_env_dump(cp.stdout)
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert e["AWS_REGION"] == e["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert e["AWS_ACCESS_KEY_ID"] == entry["AccessKeyId"]
    assert e["AWS_SECRET_ACCESS_KEY"] == entry["SecretAccessKey"]
    assert e["AWS_SESSION_TOKEN"] == entry["SessionToken"]
    assert e["STSH_ACCOUNT"] == e["MY_AWS_SET_FOR"] == "role"
    assert "Set keys for role AWS account" in cp.stderr
    assert sts.actions() == ["AssumeRole"]

    # A second switch is served from the cache.
    cp = run_script("bash", "\n".join([init_line("bash"), "ec2switch role", DUMP_ENV]), env)
    assert_ok(cp)
    assert parse_env_dump(cp.stdout)["AWS_ACCESS_KEY_ID"] == entry["AccessKeyId"]
    assert sts.actions() == ["AssumeRole"]

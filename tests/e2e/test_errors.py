"""Bad input and failures: one `stsh: error:` line, the documented exit code, no damage."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from e2e_util import (
    assert_error,
    assert_long_lived_env,
    assert_ok,
    cache_path,
    connections_made,
    lines,
    listener,
    mode_of,
    read_cache,
    run,
    write_cache,
)
from motoserver import LONG_LIVED_KEYS, closed_port, make_home, snapshot, stsh_env
from shells import DUMP_ENV, ShellSession, init_line, parse_env_dump, run_script

MFA = "generate-sts-mfa-token"

EXIT_USAGE, EXIT_CONFIG, EXIT_AWS, EXIT_NETWORK, EXIT_IO, EXIT_NO_TTY = 2, 3, 4, 5, 6, 7


def is_warning(line: str) -> bool:
    return "warning" in line.lower()


# --- configuration -----------------------------------------------------------------

def test_missing_creds_dir(stsh, tmp_path, sts):
    home = tmp_path / "home"
    home.mkdir()
    env = stsh_env(home, sts.url)
    cp = run(stsh, ["switch", "work"], env)
    line = assert_error(cp, EXIT_CONFIG)
    assert "aws-creds" in line, line
    assert not (home / "aws-creds").exists(), "stsh created the missing creds dir"
    assert sts.actions() == []


def test_missing_creds_dir_from_environment(stsh, home, env, sts):
    missing = home / "no-such-dir"
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], dict(env, STSH_CREDS_DIR=str(missing)))
    line = assert_error(cp, EXIT_CONFIG, mfa=True)
    assert str(missing) in line, line
    assert not missing.exists()
    assert sts.actions() == []


def test_unknown_account(stsh, creds, env, sts):
    before = snapshot(creds)
    cp = run(stsh, ["switch", "nosuch"], env)
    line = assert_error(cp, EXIT_CONFIG)
    assert "nosuch" in line, line
    assert snapshot(creds) == before
    assert sts.actions() == []


def test_unknown_account_for_mfa(stsh, creds, env, sts):
    before = snapshot(creds)
    cp = run(stsh, ["mfa", "nosuch", "--token-code", "123456"], env)
    assert_error(cp, EXIT_CONFIG, mfa=True)
    assert snapshot(creds) == before
    assert sts.actions() == []


MALFORMED = '{\n    "personal": "arn:aws:iam::987654321012:",\n    "work":  "arn:aws:iam::012123456789:"\n    "extra": "x"\n}\n'


def check_names_file_line_column(line: str, path) -> None:
    assert str(path) in line, f"error does not name {path}: {line}"
    assert re.search(r"line\s*4\b.*column\s*\d+|:4:\d+", line), f"error does not give line 4 and a column: {line}"


def test_malformed_accounts_file(stsh, creds, env, sts):
    (creds / "accounts.json").write_text(MALFORMED)
    before = snapshot(creds)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    line = assert_error(cp, EXIT_CONFIG, mfa=True)
    check_names_file_line_column(line, creds / "accounts.json")
    assert snapshot(creds) == before
    assert sts.actions() == []


def test_malformed_accounts_file_given_with_config(stsh, home, creds, env, sts):
    bad = home / "bad.json"
    bad.write_text(MALFORMED)
    before = snapshot(creds)
    cp = run(stsh, ["--account", "work", "--token", "123456", "--config", str(bad)], env, argv0=MFA)
    line = assert_error(cp, EXIT_CONFIG)
    check_names_file_line_column(line, bad)
    assert snapshot(creds) == before
    assert sts.actions() == []


# --- bad MFA codes --------------------------------------------------------------------

def test_five_digit_code_fails_before_network(stsh, home, creds):
    sock = listener()
    try:
        env = stsh_env(home, f"http://127.0.0.1:{sock.getsockname()[1]}")
        before = snapshot(creds)
        cp = run(stsh, ["mfa", "work", "--token-code", "12345"], env, timeout=10)
        assert_error(cp, EXIT_USAGE, mfa=True)
        cp = run(stsh, ["--account", "work", "--token", "12345"], env, argv0=MFA, timeout=10)
        assert_error(cp, EXIT_USAGE)
        assert connections_made(sock) == 0, "stsh connected to STS with an invalid code"
        assert snapshot(creds) == before
    finally:
        sock.close()


def test_five_digit_code_typed_at_prompt(stsh, home, creds, env, sts):
    before = snapshot(creds)
    sh = ShellSession("bash", env, cwd=str(home))
    try:
        sh.run(init_line("bash"))
        sh.run("ec2switch work")
        out = sh.run("ec2mfa; echo rc=$?", respond=[("Enter token for user jbrowne: ", "12345")])
    finally:
        sh.close()
    errors = [line for line in out if line.startswith("stsh: error: ")]
    assert len(errors) == 1, out
    assert "Failed to set MFA token" in out, out
    assert out[-1] != "rc=0", out
    assert snapshot(creds) == before
    assert sts.actions() == []


# --- STS and network failures -------------------------------------------------------------

def test_access_denied_from_sts(stsh, tmp_path, moto_auth):
    home = make_home(tmp_path / "home", keys={"work": moto_auth.denied, "personal": moto_auth.denied})
    creds = home / "aws-creds"
    env = stsh_env(home, moto_auth.url)
    before = snapshot(creds)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    line = assert_error(cp, EXIT_AWS, mfa=True)
    assert line.startswith("stsh: error: AccessDenied: "), line
    assert len(line) > len("stsh: error: AccessDenied: "), "STS message missing"
    assert snapshot(creds) == before


def test_endpoint_unreachable_fails_fast(stsh, home, creds):
    env = stsh_env(home, f"http://127.0.0.1:{closed_port()}")
    before = snapshot(creds)
    start = time.monotonic()
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env, timeout=30)
    elapsed = time.monotonic() - start
    assert_error(cp, EXIT_NETWORK, mfa=True)
    assert elapsed < 5, f"took {elapsed:.1f}s to report an unreachable endpoint"
    assert snapshot(creds) == before


def test_endpoint_unreachable_for_seed_script(stsh, home, creds):
    env = stsh_env(home, f"http://127.0.0.1:{closed_port()}")
    start = time.monotonic()
    cp = run(stsh, ["--account", "work", "--token", "123456"], env, argv0=MFA, timeout=30)
    assert_error(cp, EXIT_NETWORK)
    assert time.monotonic() - start < 5


# --- cache states ---------------------------------------------------------------------------

@pytest.mark.parametrize("expires_in", [dt.timedelta(hours=-1), dt.timedelta(minutes=4)], ids=["past", "within-5-min"])
def test_expired_cache_falls_back_to_long_lived_keys(expires_in, stsh, creds, env, sts):
    write_cache(creds, "work", expires_in)
    cp = run_script("bash", f'eval "$(stsh switch work)"\n{DUMP_ENV}', env)
    assert_ok(cp)
    assert lines(cp.stderr) == ["Cache invalid or not present for account work", "Set keys for work AWS account"]
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", *LONG_LIVED_KEYS["work"])
    assert sts.actions() == []


def test_cache_six_minutes_from_expiry_is_valid(stsh, creds, env):
    write_cache(creds, "work", dt.timedelta(minutes=6))
    cp = run(stsh, ["switch", "work"], env)
    assert_ok(cp)
    assert lines(cp.stderr) == ["Cache is valid for account work", "Set keys for work-MFA-STS AWS account"]


def test_corrupt_cache_is_warned_ignored_and_replaced(stsh, creds, env, sts):
    path = cache_path(creds, "work")
    path.write_text('{"Version": 1, "AccessKeyId": "ASIATRUNC')
    os.chmod(path, 0o600)
    cp = run_script("bash", f'eval "$(stsh switch work)"\n{DUMP_ENV}', env)
    assert_ok(cp)
    err = lines(cp.stderr)
    assert err[-2:] == ["Cache invalid or not present for account work", "Set keys for work AWS account"], err
    assert len(err) == 3, f"want exactly one warning line about the corrupt cache: {err}"
    assert not err[0].startswith("stsh: error:"), err
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", *LONG_LIVED_KEYS["work"])

    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert_ok(cp)
    entry = read_cache(creds, "work")
    assert entry["AccessKeyId"] != LONG_LIVED_KEYS["work"][0]
    assert mode_of(path) == 0o600


@pytest.mark.parametrize("content", ["not json at all", "[]", '{"Version": 99, "AccessKeyId": "A"}',
                                     '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "B", "SessionToken": "C", "Expiration": "soon"}'],
                         ids=["garbage", "array", "future-version", "bad-expiration"])
def test_invalid_cache_variants_are_not_used(content, stsh, creds, env):
    cache_path(creds, "work").write_text(content)
    cp = run(stsh, ["switch", "work"], env)
    assert_ok(cp)
    assert lines(cp.stderr)[-2:] == ["Cache invalid or not present for account work", "Set keys for work AWS account"]
    assert LONG_LIVED_KEYS["work"][0] in cp.stdout


# --- local I/O ------------------------------------------------------------------------------

def run_with_read_only_dir(directory, argv, env):
    """Runs argv while directory cannot be written, even by root.

    Not root: chmod 0500. Root (chmod is no barrier): a read-only bind mount of
    the directory in a private mount namespace. Returns None when neither works.
    """
    if os.geteuid() != 0:
        os.chmod(directory, 0o500)
        try:
            return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=30, start_new_session=True)
        finally:
            os.chmod(directory, 0o700)
    if not shutil.which("unshare"):
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 99; exec "$@"'
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(directory), "true"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        return None
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(directory), *argv],
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                          start_new_session=True)


def test_read_only_creds_dir(stsh, creds, env, sts):
    before = snapshot(creds)
    cp = run_with_read_only_dir(creds, [str(stsh), "mfa", "work", "--token-code", "123456"], env)
    if cp is None:
        # Root without mount namespaces: make the write impossible another way.
        (cache_path(creds, "work")).mkdir()
        (cache_path(creds, "work") / "keep").write_text("x")
        before = snapshot(creds)
        cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
        line = assert_error(cp, EXIT_IO, mfa=True, also_allowed=[is_warning])
    else:
        line = assert_error(cp, EXIT_IO, mfa=True)
    assert str(creds) in line, f"error should name the cache file or directory: {line}"
    assert snapshot(creds) == before


def test_cache_path_is_a_directory(stsh, creds, env, sts):
    """Writing the cache is impossible for anyone, root included."""
    d = cache_path(creds, "work")
    d.mkdir()
    (d / "keep").write_text("x")
    before = snapshot(creds)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    line = assert_error(cp, EXIT_IO, mfa=True, also_allowed=[is_warning])
    assert ".cache.work.json" in line, line
    assert snapshot(creds) == before


# --- no terminal --------------------------------------------------------------------------------

def test_mfa_without_terminal_or_code(stsh, creds, env, sts):
    before = snapshot(creds)
    start = time.monotonic()
    cp = run(stsh, ["mfa", "work"], env, timeout=15)  # setsid: no /dev/tty; stdin is /dev/null
    assert_error(cp, EXIT_NO_TTY, mfa=True)
    assert time.monotonic() - start < 5
    assert snapshot(creds) == before
    assert sts.actions() == []


def test_mfa_without_terminal_ignores_piped_stdin(stsh, creds, env, sts):
    """The code is read from /dev/tty only; a pipe on stdin is not a terminal."""
    cp = run(stsh, ["mfa", "work"], env, timeout=15, stdin=None, input="123456\n")
    assert_error(cp, EXIT_NO_TTY, mfa=True)
    assert sts.actions() == []


def test_switch_usage_error(stsh, env):
    cp = run(stsh, ["switch", "work", "--shell=tcsh"], env)
    assert_error(cp, EXIT_USAGE)


def test_unknown_command_is_usage_error(stsh, env):
    cp = run(stsh, ["frobnicate"], env)
    assert_error(cp, EXIT_USAGE)


def test_seed_script_missing_required_option(stsh, env, sts):
    """--token is required (the spec lists it without brackets); with no terminal it cannot be asked for."""
    cp = run(stsh, ["--account", "work"], env, argv0=MFA)
    code = cp.returncode if cp.returncode in (EXIT_USAGE, EXIT_NO_TTY) else EXIT_USAGE
    assert_error(cp, code)
    assert sts.actions() == []


def test_accounts_file_not_an_object(stsh, creds, env, sts):
    (creds / "accounts.json").write_text(json.dumps(["work"]))
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    line = assert_error(cp, EXIT_CONFIG, mfa=True)
    assert str(creds / "accounts.json") in line


@pytest.mark.parametrize("duration", ["10", "899", "129601", "12h", "-900"])
def test_duration_out_of_range_fails_before_network(duration, stsh, creds, env, sts):
    before = snapshot(creds)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456", "--duration", duration], env)
    assert_error(cp, EXIT_USAGE, mfa=True)
    cp = run(stsh, ["--account", "work", "--token", "123456", "--duration", duration], env, argv0=MFA)
    assert_error(cp, EXIT_USAGE)
    assert sts.actions() == []
    assert snapshot(creds) == before


def _mfa_failure_cases(home, creds, env):
    """(name, argv, env) for mfa failures of every kind."""
    yield "missing-creds-dir", ["mfa", "work", "--token-code", "123456"], dict(env, STSH_CREDS_DIR=str(home / "nope"))
    yield "unknown-account", ["mfa", "nosuch", "--token-code", "123456"], env
    yield "five-digit-code", ["mfa", "work", "--token-code", "12345"], env
    yield "bad-duration", ["mfa", "work", "--token-code", "123456", "--duration", "10"], env
    yield "no-terminal", ["mfa", "work"], env
    yield "unreachable", ["mfa", "work", "--token-code", "123456"], stsh_env(home, f"http://127.0.0.1:{closed_port()}")


MFA_FAILURE_IDS = ["missing-creds-dir", "unknown-account", "five-digit-code", "bad-duration", "no-terminal",
                   "unreachable", "malformed-accounts", "cache-unwritable"]


@pytest.mark.parametrize("case", MFA_FAILURE_IDS)
def test_every_mfa_failure_says_failed_to_set_mfa_token(case, stsh, home, creds, env):
    """The seed printed `Failed to set MFA token` whenever ec2mfa failed; the spec keeps it."""
    cases = {name: (argv, e) for name, argv, e in _mfa_failure_cases(home, creds, env)}
    if case == "malformed-accounts":
        (creds / "accounts.json").write_text(MALFORMED)
        cases[case] = (["mfa", "work", "--token-code", "123456"], env)
    if case == "cache-unwritable":
        cache_path(creds, "work").mkdir()
        cases[case] = (["mfa", "work", "--token-code", "123456"], env)
    argv, e = cases[case]
    cp = run(stsh, argv, e)
    assert cp.returncode != 0
    assert "Failed to set MFA token" in lines(cp.stderr), f"stderr:\n{cp.stderr}"

"""The session cache: served without network I/O, written safely."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from e2e_util import (
    assert_ok,
    assert_session_env,
    cache_path,
    lines,
    mode_of,
    read_cache,
    run,
    write_cache,
)
from motoserver import closed_port, stsh_env
from shells import DUMP_ENV, parse_env_dump


@pytest.fixture
def offline_env(home):
    """STS endpoint on a closed port: any network attempt would fail."""
    return stsh_env(home, f"http://127.0.0.1:{closed_port()}")


def session_env_for(entry: dict) -> dict:
    return {
        "AWS_ACCESS_KEY_ID": entry["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": entry["SecretAccessKey"],
        "AWS_ACCESS_KEY": entry["AccessKeyId"], "AWS_SECRET_KEY": entry["SecretAccessKey"],
        "AWS_SESSION_TOKEN": entry["SessionToken"], "AWS_SECURITY_TOKEN": entry["SessionToken"],
        "AWS_DELEGATION_TOKEN": entry["SessionToken"], "MY_AWS_SET_FOR": "work-MFA-STS",
        "STSH_ACCOUNT": "work", "STSH_EXPIRATION": entry["Expiration"], "AWS_DEFAULT_REGION": "us-east-1",
    }


def check_offline_switch_and_now(stsh, creds, env, wrap=()):
    entry = write_cache(creds, "work", dt.timedelta(hours=8))
    script = f'eval "$(stsh switch work)"\n{DUMP_ENV}'
    cp = subprocess.run([*wrap, "bash", "--norc", "--noprofile", "-c", script], env=env, capture_output=True,
                        text=True, timeout=30, stdin=subprocess.DEVNULL, start_new_session=True)
    assert_ok(cp)
    assert lines(cp.stderr) == ["Cache is valid for account work", "Set keys for work-MFA-STS AWS account"]
    assert_session_env(parse_env_dump(cp.stdout), "work", entry)

    cp = subprocess.run([*wrap, str(stsh), "now"], env=dict(env, **session_env_for(entry)), capture_output=True,
                        text=True, timeout=30, stdin=subprocess.DEVNULL, start_new_session=True)
    assert_ok(cp)
    out = lines(cp.stderr)
    assert out[0] == "Keys set for work-MFA-STS AWS account", out
    assert out[1].startswith("Session expires in 7h 5") or out[1].startswith("Session expires in 8h 0"), out
    assert out[-1] == "Region is us-east-1"

    # mfa with a valid cache switches to it without asking STS either.
    cp = subprocess.run([*wrap, str(stsh), "mfa", "work"], env=env, capture_output=True,
                        text=True, timeout=30, stdin=subprocess.DEVNULL, start_new_session=True)
    assert_ok(cp)
    assert "MFA STS token already cached" in lines(cp.stderr)


def test_valid_cache_needs_no_network(stsh, creds, offline_env):
    check_offline_switch_and_now(stsh, creds, offline_env)


def test_valid_cache_needs_no_network_namespace(stsh, creds, offline_env):
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"unshare -n not permitted here: {probe.stderr.decode().strip()}")
    check_offline_switch_and_now(stsh, creds, offline_env, wrap=("unshare", "-n"))


def test_cache_is_0600_even_with_umask_000(stsh, creds, env):
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env, preexec_fn=lambda: os.umask(0))
    assert_ok(cp)
    path = cache_path(creds, "work")
    assert path.is_file()
    assert mode_of(path) == 0o600, oct(mode_of(path))
    read_cache(creds, "work")
    # No temp files left behind (atomic write commits by rename).
    leftovers = [p.name for p in creds.iterdir() if p.name.startswith(".cache.work") and p.name != path.name]
    assert leftovers == []


def test_cache_written_by_seed_script_is_0600_with_umask_000(stsh, creds, env):
    cp = run(stsh, ["--account", "work", "--token", "123456", "--cachefiles"], env,
             argv0="generate-sts-mfa-token", preexec_fn=lambda: os.umask(0))
    assert_ok(cp)
    assert mode_of(cache_path(creds, "work")) == 0o600


def test_cache_replaces_a_world_readable_file_with_0600(stsh, creds, env):
    path = cache_path(creds, "work")
    write_cache(creds, "work", dt.timedelta(hours=-1))
    os.chmod(path, 0o644)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert_ok(cp)
    assert mode_of(path) == 0o600


def test_planted_symlink_is_not_followed(stsh, tmp_path, creds, env):
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    os.chmod(target, 0o644)
    path = cache_path(creds, "work")
    path.symlink_to(target)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert target.read_text() == "precious\n", "stsh wrote through a planted symlink"
    assert mode_of(target) == 0o644
    if cp.returncode == 0:
        # Replaced the link itself with a private regular file.
        assert not path.is_symlink() and path.is_file()
        assert mode_of(path) == 0o600
    else:
        err = [line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]
        assert len(err) == 1, cp.stderr
        assert path.is_symlink()


def test_symlink_to_valid_looking_cache_is_not_trusted_for_writes(stsh, tmp_path, creds, env):
    """A symlinked cache elsewhere must never receive the new session."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "cache.json"
    write_cache(outside.parent / "outside", "x", dt.timedelta(hours=-1))
    (outside / ".cache.x.json").rename(target)
    original = target.read_bytes()
    cache_path(creds, "work").symlink_to(target)
    run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert target.read_bytes() == original


def test_planted_symlink_is_not_read_as_the_cache(stsh, tmp_path, creds, env):
    """switch must not take a session from a file the cache path merely points to."""
    outside = tmp_path / "outside"
    outside.mkdir()
    entry = write_cache(outside, "x", dt.timedelta(hours=5), key="ASIAPLANTEDEXAMPLE01")
    cache_path(creds, "work").symlink_to(outside / ".cache.x.json")
    cp = run(stsh, ["switch", "work"], env)
    assert_ok(cp)
    assert entry["AccessKeyId"] not in cp.stdout, "switch used a session read through a planted symlink"
    assert lines(cp.stderr)[-1] == "Set keys for work AWS account"


def test_mfa_renews_a_session_within_five_minutes_of_expiry(stsh, creds, env, sts):
    write_cache(creds, "work", dt.timedelta(minutes=4))
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert_ok(cp)
    assert sts.actions() == ["GetSessionToken"]
    assert "MFA STS token already cached" not in cp.stderr
    assert (read_cache(creds, "work")["AccessKeyId"]) != "ASIACACHEDEXAMPLE001"


def test_mfa_without_code_with_valid_cache_needs_no_terminal(stsh, creds, env, sts):
    entry = write_cache(creds, "work", dt.timedelta(hours=2))
    cp = run(stsh, ["mfa", "work"], env)  # no tty: must not try to prompt
    assert_ok(cp)
    assert lines(cp.stderr)[0] == "MFA STS token already cached"
    assert entry["SessionToken"] in cp.stdout
    assert sts.actions() == []

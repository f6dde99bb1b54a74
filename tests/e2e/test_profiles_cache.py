"""The shared profile cache ($XDG_CACHE_HOME/stsh): one STS call for many processes,
corrupt entries, stale and live locks, `stsh list` and `stsh clear`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from e2e_util import (
    BASE_KEYS,
    assert_error,
    assert_ok,
    cache_path,
    lines,
    mode_of,
    parse_time,
    profile_cache_dir,
    profile_cache_entries,
    profile_cache_entry,
    read_cache,
    role_arn,
    run,
    write_base_profiles,
    write_cache,
)
from motoserver import LONG_LIVED_KEYS, closed_port


def export_cp(stsh, profile: str, env: dict, **kw) -> subprocess.CompletedProcess:
    return run(stsh, ["export", profile, "--format", "credential-process"], env, **kw)


# --- many processes, one AssumeRole ----------------------------------------------------------

def test_fifty_concurrent_exports_make_one_assume_role(stsh, home, profile_env, sts):
    write_base_profiles(home)
    argv = [str(stsh), "export", "role", "--format", "credential-process"]
    procs = [
        subprocess.Popen(argv, env=profile_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
        for _ in range(50)
    ]
    results = [(p.communicate(timeout=60), p.returncode) for p in procs]
    failures = [(rc, err) for (out, err), rc in results if rc != 0]
    assert not failures, f"{len(failures)} of 50 failed, e.g. {failures[0]}"
    assert sts.actions() == ["AssumeRole"], sts.actions()

    docs = [json.loads(out) for (out, _), _ in results]
    triples = {(d["AccessKeyId"], d["SecretAccessKey"], d["SessionToken"]) for d in docs}
    assert len(triples) == 1, f"{len(triples)} different credentials handed out"
    for (_, err), _ in results:
        assert err == "", err
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert (entry["AccessKeyId"], entry["SecretAccessKey"], entry["SessionToken"]) in triples


def test_cache_dir_is_0700_and_files_0600_even_with_umask_000(stsh, home, profile_env, sts):
    write_base_profiles(home)
    assert_ok(run(stsh, ["mfa", "mfa-role", "123456"], profile_env, preexec_fn=lambda: os.umask(0)))
    directory = profile_cache_dir(home)
    assert mode_of(directory) == 0o700
    names = sorted(os.listdir(directory))
    assert any(n.endswith(".json") for n in names) and any(n.endswith(".lock") for n in names), names
    for name in names:
        assert mode_of(directory / name) == 0o600, name
    assert not [n for n in names if not re.fullmatch(r"(role|session)-[0-9a-f]{16}\.(json|lock)", n)], \
        f"temporary files left behind: {names}"


# --- corrupt entries -------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage"])
def test_corrupt_entry_is_reported_and_replaced(damage, stsh, home, profile_env, sts):
    write_base_profiles(home)
    first = json.loads(export_cp(stsh, "role", profile_env).stdout)
    path, _ = profile_cache_entry(home, "role", role=role_arn("deploy"))
    text = path.read_text()
    path.write_text({"truncated": text[: len(text) // 2], "empty": "", "garbage": "not json {"}[damage])

    cp = export_cp(stsh, "role", profile_env)
    assert_ok(cp)
    err = lines(cp.stderr)
    assert len(err) == 1 and err[0].startswith("stsh: warning: "), cp.stderr
    assert first["SecretAccessKey"] not in cp.stderr
    assert sts.actions() == ["AssumeRole", "AssumeRole"]

    second = json.loads(cp.stdout)
    assert second["AccessKeyId"] != first["AccessKeyId"]
    replaced = json.loads(path.read_text())
    assert replaced["AccessKeyId"] == second["AccessKeyId"]
    assert replaced["SessionToken"] == second["SessionToken"]
    assert mode_of(path) == 0o600

    # The replacement is good: served from the cache, silently.
    cp = export_cp(stsh, "role", profile_env)
    assert_ok(cp)
    assert cp.stderr == "" and json.loads(cp.stdout) == second
    assert sts.actions() == ["AssumeRole", "AssumeRole"]


# --- locks -----------------------------------------------------------------------------------

HOLD_LOCK = (
    "import fcntl, os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
    "fcntl.flock(fd, fcntl.LOCK_EX)\n"
    "print('locked', flush=True)\n"
    "time.sleep(120)\n"
)


def hold_lock(lock) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def entry_without_session(stsh, home, env) -> tuple:
    """The role entry's path and lock path, with no usable session in it (stsh must lock)."""
    write_base_profiles(home)
    assert_ok(export_cp(stsh, "role", env))
    path, _ = profile_cache_entry(home, "role", role=role_arn("deploy"))
    path.unlink()
    return path, path.with_suffix(".lock")


def test_lock_held_by_killed_process_does_not_block(stsh, home, profile_env, sts):
    path, lock = entry_without_session(stsh, home, profile_env)
    holder = hold_lock(lock)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    holder.stdout.close()
    assert lock.exists(), "the stale lock file stays behind, as after a crash"

    start = time.monotonic()
    cp = export_cp(stsh, "role", dict(profile_env, STSH_LOCK_TIMEOUT="30"))
    elapsed = time.monotonic() - start
    assert_ok(cp)
    assert elapsed < 5, f"stsh waited {elapsed:.1f}s on a lock nobody holds"
    assert json.loads(path.read_text())["AccessKeyId"] == json.loads(cp.stdout)["AccessKeyId"]


def test_live_lock_holder_makes_stsh_time_out_clearly(stsh, home, profile_env, sts):
    path, lock = entry_without_session(stsh, home, profile_env)
    sts.clear()
    holder = hold_lock(lock)
    try:
        start = time.monotonic()
        cp = export_cp(stsh, "role", dict(profile_env, STSH_LOCK_TIMEOUT="1"))
        elapsed = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert cp.returncode != 0
    line = assert_error(cp, cp.returncode)
    assert "timed out" in line and str(lock) in line, line
    assert 0.9 <= elapsed < 5, f"took {elapsed:.1f}s with STSH_LOCK_TIMEOUT=1"
    assert sts.actions() == [], "no STS call without the lock"
    assert not path.exists()


# --- list ------------------------------------------------------------------------------------

LIST_CONFIG = """
    [profile proc]
    credential_process = {marker_script}

    [profile env-role]
    role_arn = {env_role}
    credential_source = Environment

    [profile r2]
    role_arn = {r2}
    source_profile = base
    """


def list_world(home):
    marker = home / "process-ran"
    script = home / "proc.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"touch '{marker}'\n"
        'echo \'{"Version": 1, "AccessKeyId": "AKIAPROCEXAMPLE00001", "SecretAccessKey": "procSecretEXAMPLE"}\'\n'
    )
    script.chmod(0o755)
    write_base_profiles(home, LIST_CONFIG.format(marker_script=script, env_role=role_arn("env"), r2=role_arn("two")))
    return marker


def list_json(stsh, env) -> tuple[dict[str, dict], subprocess.CompletedProcess]:
    cp = run(stsh, ["list", "--json"], env)
    assert_ok(cp)
    return {row["name"]: row for row in json.loads(cp.stdout)}, cp


def test_list_shows_kinds_sources_and_time_left_never_secrets(stsh, home, creds, profile_env, sts):
    marker = list_world(home)
    rows, _ = list_json(stsh, profile_env)
    kinds = {name: (row["kind"], row["source"]) for name, row in rows.items()}
    assert kinds == {
        "base": ("keys", "config"), "role": ("role", "config"), "mfa-role": ("role", "config"),
        "proc": ("process", "config"), "env-role": ("role", "config"), "r2": ("role", "config"),
        "work": ("keys", "seed"), "personal": ("keys", "seed"),
    }, kinds
    assert not any("seconds_left" in row for row in rows.values()), rows

    role = json.loads(export_cp(stsh, "role", profile_env).stdout)
    assert_ok(run(stsh, ["mfa", "mfa-role", "123456"], profile_env))
    assert_ok(run(stsh, ["mfa", "work", "123456"], profile_env))
    seed = read_cache(creds, "work")
    sts.clear()

    offline = dict(profile_env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{closed_port()}",
                   AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{closed_port()}")
    rows, cp_json = list_json(stsh, offline)
    for name, at_most in (("role", 3600), ("mfa-role", 3600), ("work", 43200)):
        assert 0 < rows[name]["seconds_left"] <= at_most, rows[name]
        assert rows[name]["seconds_left"] > at_most - 120, rows[name]
        parse_time(rows[name]["expiration"])
    for name in ("base", "r2", "proc", "env-role", "personal"):
        assert "seconds_left" not in rows[name], rows[name]

    cp_text = run(stsh, ["list"], offline)
    assert_ok(cp_text)
    table = lines(cp_text.stdout)
    assert table[0].split()[:3] == ["PROFILE", "KIND", "SOURCE"], table
    assert {line.split()[0] for line in table[1:]} == set(rows)

    secrets = [BASE_KEYS[1], role["SecretAccessKey"], role["SessionToken"], seed["SecretAccessKey"],
               seed["SessionToken"], LONG_LIVED_KEYS["work"][1], LONG_LIVED_KEYS["personal"][1], "procSecretEXAMPLE"]
    for e in profile_cache_entries(home).values():
        secrets += [e["SecretAccessKey"], e["SessionToken"]]
    everything = cp_json.stdout + cp_json.stderr + cp_text.stdout + cp_text.stderr
    leaked = [s for s in secrets if s in everything]
    assert not leaked, f"list printed secrets: {leaked}"
    assert not marker.exists(), "list ran a credential_process"
    assert sts.actions() == [], "list called STS"


# --- clear -----------------------------------------------------------------------------------

CLEARED = re.compile(r"Cleared (\d+) cached sessions?")


def cleared(cp) -> int:
    assert_ok(cp)
    out = lines(cp.stderr)
    assert len(out) == 1 and CLEARED.fullmatch(out[0]), cp.stderr
    return int(CLEARED.fullmatch(out[0]).group(1))


def role_entries(home) -> set[str]:
    return {e["key"]["role"] for e in profile_cache_entries(home).values() if e["key"]["kind"] == "role"}


def test_clear_profile_removes_only_its_entries_and_clear_removes_all(stsh, home, creds, profile_env, sts):
    list_world(home)
    for profile in ("role", "r2"):
        assert_ok(export_cp(stsh, profile, profile_env))
    for seed in ("work", "personal"):
        assert_ok(run(stsh, ["mfa", seed, "123456"], profile_env))
    assert role_entries(home) == {role_arn("deploy"), role_arn("two")}

    assert cleared(run(stsh, ["clear", "role"], profile_env)) == 1
    assert role_entries(home) == {role_arn("two")}
    assert cache_path(creds, "work").exists() and cache_path(creds, "personal").exists()

    assert cleared(run(stsh, ["clear", "work"], profile_env)) == 1
    assert not cache_path(creds, "work").exists()
    assert cache_path(creds, "personal").exists() and role_entries(home) == {role_arn("two")}

    assert cleared(run(stsh, ["clear"], profile_env)) == 2
    assert profile_cache_entries(home) == {}
    assert not cache_path(creds, "personal").exists()
    # The long-lived seed keys are not a cache.
    assert (creds / "work.secret_key").exists() and (creds / "personal.secret_key").exists()

    assert cleared(run(stsh, ["clear"], profile_env)) == 0
    # Cleared means gone: the next export calls STS again.
    sts.clear()
    assert_ok(export_cp(stsh, "r2", profile_env))
    assert sts.actions() == ["AssumeRole"]


def test_clear_seed_account_removes_only_its_cache(stsh, home, creds, profile_env):
    write_base_profiles(home)
    write_cache(creds, "work", dt.timedelta(hours=8))
    write_cache(creds, "personal", dt.timedelta(hours=8))
    assert cleared(run(stsh, ["clear", "personal"], profile_env)) == 1
    assert cache_path(creds, "work").exists() and not cache_path(creds, "personal").exists()


def test_clear_unknown_profile_is_a_config_error(stsh, home, profile_env):
    write_base_profiles(home)
    line = assert_error(run(stsh, ["clear", "nosuch"], profile_env), 3)
    assert "nosuch" in line, line


# --- expiry, lock scope, location -------------------------------------------------------------

def set_expiration(path, expires_in: dt.timedelta) -> None:
    data = json.loads(path.read_text())
    data["Expiration"] = (dt.datetime.now(dt.timezone.utc) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("left,refreshed", [
    (dt.timedelta(minutes=30), False),
    (dt.timedelta(minutes=3), True),  # within 5 minutes of expiry counts as expired
    (dt.timedelta(hours=-1), True),
], ids=["valid", "nearly-expired", "expired"])
def test_role_entry_is_refreshed_only_when_expiring(left, refreshed, stsh, home, profile_env, sts):
    write_base_profiles(home)
    first = json.loads(export_cp(stsh, "role", profile_env).stdout)
    path, _ = profile_cache_entry(home, "role", role=role_arn("deploy"))
    set_expiration(path, left)
    sts.clear()
    cp = export_cp(stsh, "role", profile_env)
    assert_ok(cp)
    assert cp.stderr == "", cp.stderr
    second = json.loads(cp.stdout)
    assert sts.actions() == (["AssumeRole"] if refreshed else [])
    assert (second["AccessKeyId"] != first["AccessKeyId"]) == refreshed
    if refreshed:
        assert json.loads(path.read_text())["AccessKeyId"] == second["AccessKeyId"]


def test_lock_is_per_entry(stsh, home, profile_env, sts):
    """A lock held on one role's entry neither blocks another role nor a valid cached session."""
    list_world(home)
    assert_ok(export_cp(stsh, "role", profile_env))
    path, _ = profile_cache_entry(home, "role", role=role_arn("deploy"))
    holder = hold_lock(path.with_suffix(".lock"))
    try:
        env = dict(profile_env, STSH_LOCK_TIMEOUT="1")
        start = time.monotonic()
        assert_ok(export_cp(stsh, "r2", env))     # another entry: its own lock
        assert_ok(export_cp(stsh, "role", env))   # valid entry: read without waiting
        elapsed = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert elapsed < 1.5, f"blocked {elapsed:.1f}s behind an unrelated lock"


def test_cache_defaults_to_home_cache_without_xdg(stsh, home, profile_env, sts):
    write_base_profiles(home)
    env = {k: v for k, v in profile_env.items() if k != "XDG_CACHE_HOME"}
    assert_ok(export_cp(stsh, "role", env))
    names = os.listdir(home / ".cache" / "stsh")
    assert any(n.startswith("role-") and n.endswith(".json") for n in names), names
    assert not profile_cache_dir(home).exists()


def test_clear_profile_spares_another_profile_of_the_same_role(stsh, home, profile_env, sts):
    """Two profiles, one role ARN, different external ids: two entries; clearing one keeps the other."""
    write_base_profiles(home, f"""
        [profile tenant-a]
        role_arn = {role_arn('tenant')}
        source_profile = base
        external_id = tenant-a

        [profile tenant-b]
        role_arn = {role_arn('tenant')}
        source_profile = base
        external_id = tenant-b
        """)
    for profile in ("tenant-a", "tenant-b"):
        assert_ok(export_cp(stsh, profile, profile_env))
    assert len(profile_cache_entries(home)) == 2

    assert cleared(run(stsh, ["clear", "tenant-a"], profile_env)) == 1
    left = [e["key"].get("external") for e in profile_cache_entries(home).values()]
    assert left == ["tenant-b"], f"tenant-b's session should survive 'stsh clear tenant-a': {left}"


def test_clear_profile_without_mfa_spares_another_profiles_mfa_session(stsh, home, profile_env, sts):
    """`role` (no MFA) and `mfa-role` share the source `base`; only mfa-role uses the MFA session."""
    write_base_profiles(home)
    assert_ok(export_cp(stsh, "role", profile_env))
    assert_ok(run(stsh, ["mfa", "mfa-role", "123456"], profile_env))
    kinds = sorted((e["key"]["kind"], e["key"]["role"]) for e in profile_cache_entries(home).values())
    assert kinds == [("role", role_arn("admin")), ("role", role_arn("deploy")), ("session", "")], kinds

    assert cleared(run(stsh, ["clear", "role"], profile_env)) == 1
    kinds = sorted((e["key"]["kind"], e["key"]["role"]) for e in profile_cache_entries(home).values())
    assert kinds == [("role", role_arn("admin")), ("session", "")], \
        f"'stsh clear role' must not remove mfa-role's MFA session: {kinds}"

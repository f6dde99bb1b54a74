"""Secret backends end to end: add, list, export, remove, import and the seed walkthrough.

Each test runs once per backend (file, keyctl, secret-service; see
conftest.backend_world): keyctl inside a user namespace of its own (a private
kernel user keyring), secret-service inside its own session bus with an
unlocked GNOME Keyring. A backend that cannot run here is skipped with the
reason `stsh backends` gives (or the missing tool).
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys

import pexpect
import pytest

from e2e_util import (
    BackendWorld,
    MOTO_SESSION_KEY_ID,
    assert_error,
    assert_ok,
    lines,
    mode_of,
    parse_posix_exports,
    redacted,
    tree_digest,
)
from motoserver import ACCOUNTS, LONG_LIVED_KEYS, auth_key_id, closed_port
from shells import DUMP_ENV, init_line, parse_env_dump

EXIT_CONFIG, EXIT_AWS, EXIT_NETWORK = 3, 4, 5

ALPHA = ("AKIAALPHAEXAMPLE0001", "aLpHa/sEcReT+0000000000000000000EXAMPLE1")
SECRET_PROMPT = "Secret access key: "
KEY_PROMPT = "Access key ID: "


def credential_process(world, name: str, **kw) -> dict:
    cp = world.run(["export", name, "--format", "credential-process"], **kw)
    assert_ok(cp)
    data = json.loads(cp.stdout)
    assert data["Version"] == 1, data
    return data


def plaintext_files(world) -> list[str]:
    """~/aws-creds without the (empty) lock files of the seed's session cache."""
    return sorted(p.name for p in world.creds.iterdir()
                  if not (p.name.startswith(".cache.") and p.name.endswith(".lock") and p.stat().st_size == 0))


def source_of(world, name: str) -> str | None:
    """SOURCE column of `stsh list` for name (None when not listed)."""
    row = world.listed().get(name)
    return row[1] if row else None


# --- 1. add --stdin, list, export, remove -----------------------------------------------------

def test_add_from_stdin_is_verified_listed_exported_and_removed(backend_world, sts, moto_auth):
    w = backend_world
    key, secret = ALPHA
    cp = w.run(["add", "alpha", "--stdin"], input=f"{key}\n{secret}\n")
    assert_ok(cp)
    assert secret not in cp.stdout + cp.stderr
    assert lines(cp.stderr)[-1] == f"Added keys {redacted(key)} for alpha to the {w.backend} backend", cp.stderr
    assert auth_key_id(sts.last("GetCallerIdentity")) == key, "the check was not signed with the new keys"

    assert source_of(w, "alpha") == w.backend
    assert w.stored_keys("alpha") == (key, secret)
    got = credential_process(w, "alpha")
    assert (got["AccessKeyId"], got["SecretAccessKey"]) == (key, secret)
    assert "SessionToken" not in got, got

    # Keys that do not work are not stored: no STS listening, then keys STS does not know.
    unreachable = f"http://127.0.0.1:{closed_port()}"
    cp = w.run(["add", "beta", "--stdin"], input=f"AKIABETAEXAMPLE00002\n{secret}\n",
               extra={"AWS_ENDPOINT_URL": unreachable, "AWS_ENDPOINT_URL_STS": unreachable})
    line = assert_error(cp, EXIT_NETWORK, empty_stdout=False)
    assert "nothing was stored" in line, line
    cp = w.run(["add", "beta", "--stdin"], input=f"AKIABETAEXAMPLE00002\n{secret}\n",
               extra={"AWS_ENDPOINT_URL": moto_auth.url, "AWS_ENDPOINT_URL_STS": moto_auth.url})
    line = assert_error(cp, EXIT_AWS, empty_stdout=False)
    assert "nothing was stored" in line, line
    assert secret not in cp.stderr
    assert "beta" not in w.listed()
    assert w.stored_keys("beta") is None

    cp = w.run(["remove", "alpha"])
    assert_ok(cp)
    assert lines(cp.stderr)[-1] == f"Removed alpha from the {w.backend} backend", cp.stderr
    assert "alpha" not in w.listed()
    assert w.stored_keys("alpha") is None
    assert_error(w.run(["export", "alpha", "--format", "credential-process"]), EXIT_CONFIG)
    assert_error(w.run(["remove", "alpha"]), EXIT_CONFIG)


# --- 2. add in a terminal ----------------------------------------------------------------------

def test_add_in_a_terminal_echoes_the_key_id_but_not_the_secret(backend_world, sts):
    w = backend_world
    key, secret = ALPHA
    child = w.spawn(["add", "alpha"])
    try:
        child.expect_exact(KEY_PROMPT)
        child.sendline(key)
        child.expect_exact(SECRET_PROMPT)
        before_secret = child.before
        child.sendline(secret)
        child.expect_exact(f"for alpha to the {w.backend} backend")
        transcript = before_secret + SECRET_PROMPT + child.before + child.after
        child.expect(pexpect.EOF)
        transcript += child.before
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript
    assert key in before_secret, f"the key id was not echoed:\n{transcript!r}"
    assert secret not in transcript, f"the secret was echoed:\n{transcript!r}"
    assert w.stored_keys("alpha") == (key, secret)


# --- 3. import ----------------------------------------------------------------------------------

def bash_session(w, commands: list[str], extra: dict | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    """Runs commands after `eval "$(stsh init bash)"` in bash (in the backend's namespace); the env after."""
    script = "\n".join([init_line("bash"), *commands, DUMP_ENV])
    cp = w.run_argv(["bash", "--norc", "--noprofile", "-c", script], extra=extra)
    assert_ok(cp)
    return parse_env_dump(cp.stdout), cp


def aws_cli_v2() -> str | None:
    from pathlib import Path

    path = Path("/usr/bin/aws")
    if not path.exists():
        return None
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60)
    return str(path) if "aws-cli/2." in out.stdout + out.stderr else None


def test_import_dry_run_then_import_and_the_seed_walkthrough(backend_world, sts, moto):
    w = backend_world
    # The keyring daemon's own files and socket live in HOME too; the dry run must not touch anything.
    before = tree_digest(w.home)
    cp = w.run(["import", "--dry-run", "--remove-plaintext"])
    assert_ok(cp)
    assert lines(cp.stderr) == [
        f"Would import personal ({redacted(LONG_LIVED_KEYS['personal'][0])}) into the {w.backend} backend, "
        "then shred its plaintext files",
        f"Would import work ({redacted(LONG_LIVED_KEYS['work'][0])}) into the {w.backend} backend, "
        "then shred its plaintext files",
        "Dry run: nothing changed",
    ], cp.stderr
    assert tree_digest(w.home) == before
    assert {n: row[1] for n, row in w.listed().items()} == {"personal": "seed", "work": "seed"}
    assert w.stored_keys("work") is None and w.stored_keys("personal") is None

    cp = w.run(["import", "--remove-plaintext"])
    assert_ok(cp)
    assert lines(cp.stderr) == [
        f"Imported personal into the {w.backend} backend (verified)",
        f"Imported work into the {w.backend} backend (verified)",
        "Shredded the plaintext files of personal",
        "Shredded the plaintext files of work",
    ], cp.stderr
    assert plaintext_files(w) == ["accounts.json"]
    assert json.loads((w.creds / "accounts.json").read_text()) == ACCOUNTS
    assert {n: row[1] for n, row in w.listed().items()} == {"personal": w.backend, "work": w.backend}
    for name, keys in LONG_LIVED_KEYS.items():
        assert w.stored_keys(name) == keys

    # The seed walkthrough, now against the backend.
    e, cp = bash_session(w, ["ec2switch work"])
    assert lines(cp.stderr) == ["Cache not present for account work", "Set keys for work AWS account"], cp.stderr
    assert (e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"]) == LONG_LIVED_KEYS["work"]
    assert "AWS_SESSION_TOKEN" not in e and e["MY_AWS_SET_FOR"] == "work"

    e, cp = bash_session(w, ["ec2mfa work 123456"])
    request = sts.last("GetSessionToken")
    assert request["params"]["SerialNumber"] == ACCOUNTS["work"] + "mfa/jbrowne"
    assert request["params"]["TokenCode"] == "123456"
    assert auth_key_id(request) == LONG_LIVED_KEYS["work"][0]
    assert e["AWS_ACCESS_KEY_ID"] == MOTO_SESSION_KEY_ID and e["AWS_SESSION_TOKEN"], e
    assert e["MY_AWS_SET_FOR"] == "work-MFA-STS"
    session = (e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_SESSION_TOKEN"])
    # The session went to the backend (and its private runtime copy), not to ~/aws-creds.
    assert plaintext_files(w) == ["accounts.json"]
    copies = sorted(w.runtime_dir.glob("*.json"))
    assert copies, f"no runtime copy in {w.runtime_dir}"
    assert all(mode_of(p) == 0o600 for p in copies)

    # The .user file came along: personal's MFA serial names jane.
    sts.clear()
    bash_session(w, ["ec2mfa personal 654321"])
    assert sts.last("GetSessionToken")["params"]["SerialNumber"] == ACCOUNTS["personal"] + "mfa/jane"

    e, cp = bash_session(w, ["ec2switch personal"])
    assert e["STSH_ACCOUNT"] == "personal" and e["MY_AWS_SET_FOR"] == "personal-MFA-STS", e

    sts.clear()
    got = credential_process(w, "work")
    assert (got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"]) == session
    assert sts.actions() == [], "a cached session should need no STS call"

    e, cp = bash_session(w, ["ec2switch work"])
    assert (e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_SESSION_TOKEN"]) == session

    cli = aws_cli_v2()
    if cli is None:
        pytest.skip("AWS CLI v2 not installed at /usr/bin/aws (everything before this passed)")
    # The session from `ec2switch work` (one AWS CLI start costs about a second).
    client_env = {k: v for k, v in e.items() if k not in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS")}
    client_env.update(AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")
    out = subprocess.run([cli, "sts", "get-caller-identity", "--endpoint-url", moto.url, "--output", "json"],
                         env=client_env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Account"]


# --- 8. concurrent writers ------------------------------------------------------------------------

def test_concurrent_adds_of_one_item_leave_exactly_one_whole_value(backend_world):
    w = backend_world
    written = [(f"AKIACONCURRENT{i:06d}", f"sEcReT/{i:02d}/" + chr(ord("a") + i) * 32) for i in range(10)]
    procs = [w.popen(["add", "same", "--stdin", "--no-verify"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True) for _ in written]
    # Start them all before any finishes: every stdin is fed only once all ten run.
    for proc, (key, secret) in zip(procs, written):
        proc.stdin.write(f"{key}\n{secret}\n")
    for proc in procs:
        proc.stdin.close()
    results = [(proc.wait(timeout=60), proc.stderr.read()) for proc in procs]
    for proc in procs:
        proc.stdout.close()
        proc.stderr.close()
    failed = [(rc, err) for rc, err in results if rc != 0]
    assert not failed, f"{len(failed)} of 10 concurrent adds failed: {failed}"

    stored = w.stored_keys("same")
    assert stored in written, f"the item holds {stored}, which no writer wrote whole"
    assert list(w.listed()).count("same") == 1
    if w.backend == "file":
        leftovers = [p.name for p in w.data_dir.iterdir() if p.name.startswith(".")]
        assert leftovers == [], f"temporary files left behind: {leftovers}"
    if w.backend == "secret-service":
        found = w.keyring.gdbus("--object-path", "/org/freedesktop/secrets", "--method",
                                "org.freedesktop.Secret.Service.SearchItems", "{'item': 'keys/same'}")
        assert found.count("/org/freedesktop/secrets/collection/login/") == 1, found


# --- 10. warm path --------------------------------------------------------------------------------

WARM_RUNS = 20
# Runs in the backend's namespace, so nsenter's own start-up is not timed.
TIMER = r"""
import json, subprocess, sys, time
argv = sys.argv[1:]
times, outs = [], set()
for _ in range(int(%d)):
    t = time.perf_counter()
    cp = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
    if cp.returncode != 0:
        print(json.dumps({"error": cp.returncode, "stderr": cp.stderr}))
        sys.exit(0)
    outs.add(cp.stdout)
print(json.dumps({"times": times, "outputs": sorted(outs)}))
""" % WARM_RUNS

WARM_MEDIANS: dict[str, float] = {}


def warm_up(w, sts) -> dict:
    """Imports the seed accounts and gets work an MFA session; returns it as credential-process JSON."""
    assert_ok(w.run(["import", "--remove-plaintext"]))
    assert_ok(w.run(["mfa", "work", "123456"]))
    sts.clear()
    return credential_process(w, "work")


def test_warm_path_timing(backend_world, sts):
    w = backend_world
    session = warm_up(w, sts)
    assert session["AccessKeyId"] == MOTO_SESSION_KEY_ID
    cp = w.run_argv([sys.executable, "-c", TIMER, str(w.stsh), "export", "work", "--format", "credential-process"])
    assert_ok(cp)
    result = json.loads(cp.stdout)
    assert "error" not in result, result
    assert [json.loads(o)["SessionToken"] for o in result["outputs"]] == [session["SessionToken"]]
    assert sts.actions() == [], "the warm path called STS"
    median = statistics.median(result["times"]) * 1000
    WARM_MEDIANS[w.backend] = median
    print(f"\nwarm `stsh export work --format credential-process`, {w.backend} backend: "
          f"median {median:.2f} ms, min {min(result['times']) * 1000:.2f} ms over {WARM_RUNS} runs")


@pytest.mark.parametrize("backend", ["file", "secret-service"])
def test_warm_path_needs_no_unlock(backend, tmp_path, stsh, sts):
    """The runtime copy serves a cached session without unlocking the backend (README: no unlock,
    D-Bus call or Argon2id derivation): file without STSH_FILE_PASSPHRASE and with no terminal,
    secret-service with the keyring locked."""
    with BackendWorld(backend, tmp_path / backend, stsh, sts.url) as w:
        if w.skip_reason:
            pytest.skip(w.skip_reason)
        session = warm_up(w, sts)
        assert sorted(p.name for p in w.runtime_dir.glob("*.json")), "no runtime copy written"
        drop: tuple[str, ...] = ()
        if backend == "file":
            drop = ("STSH_FILE_PASSPHRASE",)
        else:
            w.keyring.lock_all()
        problems = []
        cp = w.run(["export", "work", "--format", "credential-process"], drop=drop)
        if cp.returncode != 0 or json.loads(cp.stdout or "{}") != session:
            problems.append(f"export: exit {cp.returncode}: {cp.stderr.strip()}")
        cp = w.run(["switch", "work"], drop=drop)
        if cp.returncode != 0 or parse_posix_exports(cp.stdout).get("AWS_SESSION_TOKEN") != session["SessionToken"]:
            problems.append(f"switch: exit {cp.returncode}: {cp.stderr.strip()}")
        assert not problems, "warm path with the backend locked:\n" + "\n".join(problems)


# --- the seed's messages, before and after import ----------------------------------------------------

SEED_SCRIPT = ["ec2switch", "ec2now", "ec2switch work", "ec2now", "ec2mfa work 123456", "ec2now",
               "ec2switch personal", "ec2switch work", "stsh clear work", "ec2switch work"]


def seed_transcript(w) -> list[str]:
    """What the seed commands print, one `$ command` line before each; session times masked."""
    script = [init_line("bash")] + [f"echo '$ {c}' >&2; {c}" for c in SEED_SCRIPT]
    cp = w.run_argv(["bash", "--norc", "--noprofile", "-c", "\n".join(script)])
    assert_ok(cp)
    return [re.sub(r"expires in .*", "expires in <time>", line) for line in lines(cp.stderr)]


def mfa_prompt(w, name: str) -> str:
    """The prompt `stsh mfa NAME` shows on the terminal."""
    child = w.spawn(["mfa", name])
    try:
        child.expect(r"[^\r\n]*: ")
        prompt = child.after.strip()
        child.sendline("123456")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    return prompt


def test_seed_commands_read_the_same_after_import(backend_world, sts):
    """Import changes where the keys live, not what ec2switch / ec2now / ec2mfa say."""
    w = backend_world
    before, prompt_before = seed_transcript(w), mfa_prompt(w, "personal")
    assert prompt_before == "Enter token for user jane:", prompt_before
    assert_ok(w.run(["clear"]))
    assert_ok(w.run(["import", "--remove-plaintext"]))
    after, prompt_after = seed_transcript(w), mfa_prompt(w, "personal")
    assert {n: row[1] for n, row in w.listed().items()} == {"personal": w.backend, "work": w.backend}
    problems = []
    if prompt_after != prompt_before:
        problems.append(f"the MFA prompt was {prompt_before!r}, is now {prompt_after!r}")
    if after != before:
        import difflib

        problems.append("the messages differ (- seed files, + after import):\n" +
                        "\n".join(difflib.unified_diff(before, after, lineterm="", n=1)))
    assert not problems, "\n".join(problems)

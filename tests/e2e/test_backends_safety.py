"""Secret backends under stress: killed imports, wrong passphrases, corrupted and planted files,
secrets in argv, file modes, a locked keyring.

Backends as in test_backends.py (conftest.backend_world / file_world). The
crash-safety test needs strace (Debian: strace) and is skipped without it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import time

import pexpect
import pytest

from e2e_util import (
    WRONG_PASSPHRASE,
    BackendWorld,
    assert_error,
    assert_ok,
    descendants,
    exe_name,
    lines,
    listener,
    mode_of,
    parse_posix_exports,
    proc_text,
    tree_digest,
    write_base_profiles,
)
from motoserver import LONG_LIVED_KEYS, make_home

EXIT_CONFIG, EXIT_IO = 3, 6

NEW_KEYS = ("AKIANEWKEYSEXAMPLE01", "nEwSeCrEt/+000000000000000000000EXAMPLE9")


def private_tree(path) -> list[str]:
    """What under path is not a 0700 directory or a 0600 regular file (path itself included)."""
    bad = []
    for p in [path, *sorted(path.rglob("*"))]:
        st = os.lstat(p)
        if stat.S_ISDIR(st.st_mode):
            if stat.S_IMODE(st.st_mode) != 0o700:
                bad.append(f"{p}: directory {oct(stat.S_IMODE(st.st_mode))}")
        elif stat.S_ISREG(st.st_mode):
            if stat.S_IMODE(st.st_mode) != 0o600:
                bad.append(f"{p}: file {oct(stat.S_IMODE(st.st_mode))}")
        else:
            bad.append(f"{p}: neither a directory nor a regular file")
    return bad


# --- 4. a killed import loses no key --------------------------------------------------------------

def reseed(w) -> None:
    """Back to the seed layout: plaintext accounts, no encrypted store."""
    shutil.rmtree(w.data_dir, ignore_errors=True)
    shutil.rmtree(w.creds)
    make_home(w.home, user_files={"personal": "jane"})


def backend_keys_or_error(w, name: str):
    try:
        return w.stored_keys(name)
    except AssertionError as e:
        return f"error: {str(e).splitlines()[0]}"


@pytest.mark.skipif(
    os.environ.get("STSH_E2E_SANITIZED") == "1",
    reason="counts stsh's own system calls; under ASan the runtime makes hundreds more (covered by the release run)",
)
@pytest.mark.parametrize("syscall", ["rename", "unlink", "openat"])
def test_import_killed_at_any_step_loses_no_key(file_world, syscall):
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace missing (Debian: strace)")
    w = file_world
    problems: list[str] = []
    killed = 0
    for k in range(1, 200):
        reseed(w)
        cp = w.run_argv([strace, "-f", "-o", os.devnull, "-e", f"inject={syscall}:signal=KILL:when={k}",
                         str(w.stsh), "import", "--to", "file", "--remove-plaintext"])
        if cp.returncode == 0:
            break
        if cp.returncode != -9:
            problems.append(f"{syscall}#{k}: exit {cp.returncode}, not killed: {cp.stderr.strip()}")
            continue
        killed += 1
        left = sorted(p.name for p in w.creds.iterdir())
        for name, keys in LONG_LIVED_KEYS.items():
            if w.plaintext_keys(name) == keys:
                continue
            stored = backend_keys_or_error(w, name)
            if stored != keys:
                problems.append(f"{syscall}#{k}: {name} LOST: plaintext files {left}, backend gives {stored}")
            # What the user gets meanwhile (seed files, when there, come first).
            cp = w.run(["switch", name])
            e = parse_posix_exports(cp.stdout)
            got = (e.get("AWS_ACCESS_KEY_ID"), e.get("AWS_SECRET_ACCESS_KEY"))
            if cp.returncode != 0 or got != keys:
                problems.append(f"{syscall}#{k}: meanwhile `stsh switch {name}` exits {cp.returncode} "
                                f"giving {got if cp.returncode == 0 else cp.stderr.strip()!r}; ~/aws-creds held {left}")
        # Running the import again finishes the job.
        cp = w.run(["import", "--to", "file", "--remove-plaintext"])
        if cp.returncode != 0:
            problems.append(f"{syscall}#{k}: the import run again failed (exit {cp.returncode}): "
                            f"{cp.stderr.strip()!r}; ~/aws-creds held {left}")
        for name, keys in LONG_LIVED_KEYS.items():
            stored = backend_keys_or_error(w, name)
            if stored != keys:
                problems.append(f"{syscall}#{k}: after the import ran again, the backend gives {stored} for {name}")
    else:
        pytest.fail(f"the import was still killed at the 199th {syscall}")
    # The run that was not killed did the whole job.
    for name, keys in LONG_LIVED_KEYS.items():
        assert w.stored_keys(name) == keys
        assert w.plaintext_keys(name) is None
    print(f"\n{syscall}: import killed at each of {killed} calls, completed untouched at call {k}")
    assert killed > 0, f"the import never called {syscall}: the injection tested nothing"
    assert not problems, "\n".join(problems)


# --- 5. wrong passphrase, corrupted files -----------------------------------------------------------

def test_wrong_passphrase_is_one_clear_error_and_changes_nothing(file_world, sts):
    w = file_world
    assert_ok(w.run(["import", "--remove-plaintext"]))
    assert_ok(w.run(["mfa", "work", "123456"]))  # a session item too
    shutil.rmtree(w.runtime_dir)  # so every read goes to the encrypted store
    # One more plaintext account, for import to try.
    (w.creds / "legacy.access_key").write_text(NEW_KEYS[0] + "\n")
    (w.creds / "legacy.secret_key").write_text(NEW_KEYS[1] + "\n")
    before, plaintext_before = tree_digest(w.data_dir), tree_digest(w.creds)
    assert before, "the store is empty"
    wrong = {"STSH_FILE_PASSPHRASE": WRONG_PASSPHRASE}
    stdin_keys = f"{NEW_KEYS[0]}\n{NEW_KEYS[1]}\n"
    for args, stdin in [
        (["switch", "work"], None),
        (["export", "personal", "--format", "credential-process"], None),
        (["mfa", "personal", "123456"], None),
        (["add", "work", "--stdin", "--no-verify"], stdin_keys),
        (["add", "other", "--stdin", "--no-verify"], stdin_keys),
        (["remove", "work"], None),
        (["import", "--remove-plaintext"], None),
    ]:
        cp = w.run(args, extra=wrong, input=stdin)
        line = assert_error(cp, EXIT_CONFIG, mfa=args[0] == "mfa", empty_stdout=False)
        assert "wrong passphrase" in line, f"{args}: {line}"
        assert WRONG_PASSPHRASE not in cp.stdout + cp.stderr
        assert tree_digest(w.data_dir) == before, f"`stsh {' '.join(args)}` changed {w.data_dir}"
        assert tree_digest(w.creds) == plaintext_before, f"`stsh {' '.join(args)}` changed {w.creds}"

    # Typed at the terminal: asked once, not echoed, the same single error.
    env = w.merged_env(drop=("STSH_FILE_PASSPHRASE",))
    argv = w.argv(["switch", "work"])
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", codec_errors="replace", timeout=15)
    child.logfile_read = io.StringIO()
    asked = 0
    try:
        while asked < 3:
            if child.expect_exact(["Passphrase for stsh's encrypted store (", pexpect.EOF]) == 1:
                break
            child.expect_exact("): ")
            asked += 1
            child.sendline(WRONG_PASSPHRASE)
        else:
            child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    transcript = child.logfile_read.getvalue()
    assert WRONG_PASSPHRASE not in transcript, "the passphrase was echoed"
    errors = [line for line in lines(transcript) if line.startswith("stsh: error: ")]
    assert tree_digest(w.data_dir) == before
    assert asked == 1, f"the passphrase was asked {asked} times for one command; transcript:\n{transcript}"
    assert child.exitstatus == EXIT_CONFIG, transcript
    assert len(errors) == 1 and "wrong passphrase" in errors[0], transcript


def test_corrupted_item_file_is_named_and_kept(file_world):
    w = file_world
    assert_ok(w.run(["import", "--remove-plaintext"]))
    item = w.data_dir / "keys%2Fwork.item"
    assert item.is_file(), sorted(p.name for p in w.data_dir.iterdir())
    original = item.read_bytes()
    tag_flipped = bytearray(original)
    tag_flipped[-1] ^= 0x01  # the authentication tag
    problems = []
    for corrupted, why in [(bytes(tag_flipped), "failed authentication"), (b"not json\n" + original, "corrupt")]:
        item.write_bytes(corrupted)
        for args in (["switch", "work"], ["export", "work", "--format", "credential-process"],
                     ["mfa", "work", "123456"], ["list"]):
            if args == ["list"] and why == "failed authentication":
                continue  # list reads the headers only
            cp = w.run(args)
            errors = [line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]
            if cp.returncode != EXIT_IO or len(errors) != 1 or str(item) not in errors[0] or why not in errors[0]:
                problems.append(f"{why}: `stsh {' '.join(args)}` exit {cp.returncode}, stderr {cp.stderr.strip()!r}")
            if item.read_bytes() != corrupted:
                problems.append(f"{why}: `stsh {' '.join(args)}` changed the corrupted file")
        # Another account and another item are unaffected.
        other = backend_keys_or_error(w, "personal")
        if other != LONG_LIVED_KEYS["personal"]:
            problems.append(f"{why}: `stsh switch personal` (a sound item) gives {other}")
        assert_ok(w.run(["add", "other", "--stdin", "--no-verify"], input=f"{NEW_KEYS[0]}\n{NEW_KEYS[1]}\n"))
    assert not problems, "\n".join(problems)


# --- 6. secrets never in argv; no core dumps ----------------------------------------------------------

def wait_for_helper(pid: int, timeout: float = 10) -> list[int]:
    """The stsh-net processes below pid, once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        helpers = [p for p in descendants(pid) if exe_name(p) == "stsh-net"]
        if helpers:
            return helpers
        time.sleep(0.02)
    raise AssertionError(f"no stsh-net started below {pid}")


def check_process_tree(pid: int, secrets: list[str], where: str) -> list[int]:
    """No secret in the argv (or environment) of stsh and its descendants; no core dumps. Returns them."""
    assert exe_name(pid) == "stsh", f"{pid} is {exe_name(pid)}"
    procs = [pid, *descendants(pid)]
    for p in procs:
        cmdline, environ = proc_text(p, "cmdline"), proc_text(p, "environ")
        for secret in secrets:
            assert secret not in cmdline, f"{where}: a secret is in the argv of {exe_name(p)} ({p}): {cmdline!r}"
            assert secret not in environ, f"{where}: a secret is in the environment of {exe_name(p)} ({p})"
        limits = proc_text(p, "limits")
        assert re.search(r"^Max core file size\s+0\s+0\s", limits, re.M), f"{where}: {exe_name(p)} limits:\n{limits}"
    return procs


def end(child, pids: list[int]) -> None:
    child.close(force=True)
    for p in pids:  # a helper the terminal's hangup did not reach
        try:
            os.kill(p, 9)
        except ProcessLookupError:
            pass


def test_secrets_never_in_argv_and_no_core_dumps(backend_world):
    w = backend_world
    hanging = listener()  # accepts connections, never answers: stsh-net waits with the request
    url = f"http://127.0.0.1:{hanging.getsockname()[1]}"
    endpoint = {"AWS_ENDPOINT_URL": url, "AWS_ENDPOINT_URL_STS": url}
    key, secret = NEW_KEYS
    seen: list[int] = []
    try:
        child = w.spawn(["add", "gamma"], extra=endpoint)
        try:
            child.expect_exact("Access key ID: ")
            seen = check_process_tree(child.pid, [secret], "add, at the key id prompt")
            child.sendline(key)
            child.expect_exact("Secret access key: ")
            seen = check_process_tree(child.pid, [secret], "add, at the secret prompt")
            child.sendline(secret)
            wait_for_helper(child.pid)  # the GetCallerIdentity check, now hanging
            seen = check_process_tree(child.pid, [secret], "add, while verifying")
        finally:
            end(child, seen)

        assert_ok(w.run(["import", "--remove-plaintext"]))
        work_secret = LONG_LIVED_KEYS["work"][1]
        child = w.spawn(["mfa", "work"], extra=endpoint)
        try:
            # The seed's prompt, or the profile one (test_backends checks which).
            child.expect([re.escape("Enter token for user jbrowne: "), r"Enter MFA code for \S+: "])
            seen = check_process_tree(child.pid, [work_secret], "mfa, at the code prompt")
            child.sendline("123456")
            wait_for_helper(child.pid)  # GetSessionToken, now hanging
            seen = check_process_tree(child.pid, [work_secret, "123456"], "mfa, while calling STS")
        finally:
            end(child, seen)
    finally:
        hanging.close()


# --- 7. file modes and planted symlinks -----------------------------------------------------------

def test_backend_files_are_private_under_umask_000(backend_world, sts):
    w = backend_world
    umask = {"umask": 0}
    assert_ok(w.run(["import", "--remove-plaintext"], **umask))
    assert_ok(w.run(["mfa", "work", "123456"], **umask))
    assert_ok(w.run(["add", "alpha", "--stdin", "--no-verify"], input=f"{NEW_KEYS[0]}\n{NEW_KEYS[1]}\n", **umask))
    assert_ok(w.run(["export", "work", "--format", "credential-process"], **umask))
    assert sorted(p.name for p in w.runtime_dir.glob("*.json")), f"no runtime copy in {w.runtime_dir}"
    assert private_tree(w.runtime_dir) == []
    if w.backend == "file":
        items = sorted(p.name for p in w.data_dir.glob("*.item"))
        assert len(items) >= 4, items  # keys/work, keys/personal, keys/alpha, session/work
        assert private_tree(w.data_dir) == []


def test_cache_files_are_private_under_umask_000(file_world, sts):
    w = file_world
    write_base_profiles(w.home)
    assert_ok(w.run(["export", "role", "--format", "credential-process"], umask=0))
    assert sorted(w.cache_dir.glob("*.json")), f"no cache entry in {w.cache_dir}"
    assert private_tree(w.cache_dir) == []
    assert_ok(w.run(["mfa", "work", "123456"], umask=0))  # work is still a plaintext seed account
    assert mode_of(w.creds / ".cache.work.json") == 0o600


def plant(path, target) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def assert_refused(cp, path, target, original: bytes, what: str, *, silent_ok: bool = False) -> None:
    """Nothing went through the link; the link was kept (and stsh said so) or replaced by a private file."""
    assert target.read_bytes() == original, f"{what}: stsh wrote through the symlink at {path}"
    assert mode_of(target) == 0o644
    if path.is_symlink():
        if not silent_ok:
            assert str(path) in cp.stderr and "symbolic link" in cp.stderr, (
                f"{what}: the link stayed but stsh did not say so: {cp.stderr!r}")
        if cp.returncode != 0:
            assert len([line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]) == 1, cp.stderr
    else:
        assert path.is_file() and mode_of(path) == 0o600, f"{what}: {path} replaced by {oct(mode_of(path))}"


def test_planted_symlinks_are_refused(file_world, sts):
    w = file_world
    target = w.root / "precious.txt"
    original = b"precious\n"
    target.write_bytes(original)
    os.chmod(target, 0o644)
    alpha_serial = "arn:aws:iam::111122223333:mfa/alpha"
    stdin_keys = f"{NEW_KEYS[0]}\n{NEW_KEYS[1]}\n"
    assert_ok(w.run(["add", "alpha", "--stdin", "--no-verify", "--mfa-serial", alpha_serial], input=stdin_keys))

    # An item file of the encrypted store: a new item, and an existing one.
    for name in ("delta", "alpha"):
        link = w.data_dir / f"keys%2F{name}.item"
        kept = w.root / f"{name}.item.real"
        if link.exists():
            link.rename(kept)
        plant(link, target)
        cp = w.run(["add", name, "--stdin", "--no-verify"], input=stdin_keys)
        assert_refused(cp, link, target, original, f"item keys/{name}")
        assert cp.returncode == EXIT_IO, f"add {name} over a symlinked item: exit {cp.returncode} {cp.stderr}"
        link.unlink()
        if kept.exists():
            kept.rename(link)
    assert w.stored_keys("alpha") == NEW_KEYS

    # The seed's session cache (~/aws-creds/.cache.work.json).
    link = w.creds / ".cache.work.json"
    plant(link, target)
    cp = w.run(["mfa", "work", "123456"])
    assert_refused(cp, link, target, original, "seed cache")
    link.unlink(missing_ok=True)

    # An entry of the shared session cache ($XDG_CACHE_HOME/stsh).
    write_base_profiles(w.home)
    assert_ok(w.run(["export", "role", "--format", "credential-process"]))
    (entry,) = sorted(w.cache_dir.glob("*.json"))
    plant(entry, target)
    cp = w.run(["export", "role", "--format", "credential-process"])
    assert_refused(cp, entry, target, original, "profile cache")

    # The runtime copy of a backend session ($XDG_RUNTIME_DIR/stsh).
    assert_ok(w.run(["mfa", "alpha", "123456"]))
    (copy,) = sorted(w.runtime_dir.glob("*alpha*.json"))
    plant(copy, target)
    cp = w.run(["mfa", "alpha", "654321", "--force"])
    assert_ok(cp)
    assert_refused(cp, copy, target, original, "runtime copy", silent_ok=True)  # a best-effort copy
    session = parse_posix_exports(cp.stdout)
    cp = w.run(["switch", "alpha"])
    assert_ok(cp)
    assert parse_posix_exports(cp.stdout)["AWS_SESSION_TOKEN"] == session["AWS_SESSION_TOKEN"]
    assert target.read_bytes() == original


# --- 9. a locked or missing keyring --------------------------------------------------------------------

LOCKED_HINTS = ("locked", "unlock", "--backend file")


def test_locked_keyring_is_a_clear_error(tmp_path, stsh, sts):
    with BackendWorld("secret-service", tmp_path / "ss", stsh, sts.url) as w:
        if w.skip_reason:
            pytest.skip(w.skip_reason)
        assert_ok(w.run(["import", "--remove-plaintext"]))
        stdin_keys = f"{NEW_KEYS[0]}\n{NEW_KEYS[1]}\n"

        problems: list[str] = []

        def all_refused(when: str) -> None:
            status = w.backend_status()
            if not (status[0] == "available" and status[1].endswith("(locked)")):
                problems.append(f"{when}: `stsh backends` says {status}")
            for args in (["switch", "work"], ["export", "work", "--format", "credential-process"],
                         ["add", "new", "--stdin", "--no-verify"], ["remove", "work"], ["mfa", "work", "123456"],
                         ["list"]):
                cp = w.run(args, input=stdin_keys if args[0] == "add" else None)
                errors = [line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]
                if args == ["list"] and cp.returncode == 0 and "work" in cp.stdout:
                    continue  # the names can be listed while locked in the session
                if cp.returncode != EXIT_CONFIG or len(errors) != 1 or not all(h in errors[0] for h in LOCKED_HINTS):
                    problems.append(f"{when}: `stsh {' '.join(args)}` exit {cp.returncode}, stderr {cp.stderr.strip()!r}")

        w.keyring.lock_all()
        all_refused("locked in the session")
        w.reopen_keyring(unlock=False)
        all_refused("loaded locked from disk")
        w.reopen_keyring(unlock=True)
        assert w.stored_keys("work") == LONG_LIVED_KEYS["work"], "locking lost the keys"

        # No Secret Service at all: chosen, it is a clear error; not chosen, file is the default.
        no_bus = ("DBUS_SESSION_BUS_ADDRESS",)
        cp = w.run(["add", "new", "--stdin", "--no-verify"], drop=no_bus, input=stdin_keys)
        line = assert_error(cp, EXIT_CONFIG, empty_stdout=False)
        assert "no Secret Service" in line and "--backend file" in line, line
        cp = w.run(["backends"], drop=(*no_bus, "STSH_BACKEND"))
        assert_ok(cp)
        rows = {m.group(2): m for m in re.finditer(r"^([* ]) (\S+)\s+(available|unavailable)\s+(.*)$",
                                                    cp.stdout, re.M)}
        assert rows["secret-service"].group(3) == "unavailable"
        assert "no Secret Service" in rows["secret-service"].group(4)
        assert rows["file"].group(1) == "*", cp.stdout
        assert not problems, "\n".join(problems)

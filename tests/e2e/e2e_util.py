"""Small helpers for the e2e test modules."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path


def run(stsh_path: Path, args: list[str], env: dict[str, str], *, argv0: str | None = None,
        timeout: float = 30, stdin=subprocess.DEVNULL, **kw) -> subprocess.CompletedProcess:
    """Runs stsh (or one of its seed names) without a controlling terminal."""
    exe = stsh_path.parent / argv0 if argv0 else stsh_path
    return subprocess.run(
        [str(exe), *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        **kw,
    )


def parse_time(value: str) -> dt.datetime:
    """ISO 8601 UTC ('Z' or +00:00, optional fraction) to an aware datetime."""
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(v)
    assert t.tzinfo is not None and t.utcoffset() == dt.timedelta(0), f"not UTC: {value!r}"
    return t


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def write_cache(creds_dir: Path, name: str, expires_in: dt.timedelta,
                key: str = "ASIACACHEDEXAMPLE001", secret: str = "cachedSecret/+=EXAMPLE",
                token: str = "cachedTokenEXAMPLE==") -> dict:
    exp = (now_utc() + expires_in).replace(microsecond=0)
    entry = {
        "Version": 1,
        "AccessKeyId": key,
        "SecretAccessKey": secret,
        "SessionToken": token,
        "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    path = creds_dir / f".cache.{name}.json"
    path.write_text(json.dumps(entry))
    os.chmod(path, 0o600)
    return entry


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


ERROR_PREFIX = "stsh: error: "
MFA_FAILED = "Failed to set MFA token"


def assert_error(cp: subprocess.CompletedProcess, code: int, *, mfa: bool = False, empty_stdout: bool = True,
                 also_allowed=()) -> str:
    """Exactly one `stsh: error:` line, the documented exit code; returns the line.

    For mfa commands the seed's `Failed to set MFA token` may accompany it;
    also_allowed lists other lines (or predicates) the case may print.
    """
    err = lines(cp.stderr)
    errors = [line for line in err if line.startswith(ERROR_PREFIX)]
    others = [line for line in err if not line.startswith(ERROR_PREFIX)]
    if mfa:
        # Whether it must be there is checked once, in test_errors.py.
        others = [line for line in others if line != MFA_FAILED]
    for allowed in also_allowed:
        others = [line for line in others if not (allowed(line) if callable(allowed) else line == allowed)]
    assert len(errors) == 1 and not others, f"want one error line, got stderr:\n{cp.stderr}"
    assert cp.returncode == code, f"exit {cp.returncode}, want {code}; stderr:\n{cp.stderr}"
    if empty_stdout:
        assert cp.stdout == "", f"stdout should be empty on error, got:\n{cp.stdout}"
    return errors[0]


def assert_ok(cp: subprocess.CompletedProcess) -> None:
    assert cp.returncode == 0, f"exit {cp.returncode}\nstdout:\n{cp.stdout}\nstderr:\n{cp.stderr}"


def cache_path(creds_dir: Path, name: str) -> Path:
    return Path(creds_dir) / f".cache.{name}.json"


def read_cache(creds_dir: Path, name: str) -> dict:
    data = json.loads(cache_path(creds_dir, name).read_text())
    assert data.get("Version") == 1, data
    for field in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        assert isinstance(data.get(field), str) and data[field], f"cache lacks {field}: {data}"
    parse_time(data["Expiration"])
    return data


def mode_of(path: Path) -> int:
    return os.lstat(path).st_mode & 0o777


ENV_VARS = [
    "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DELEGATION_TOKEN",
    "MY_AWS_SET_FOR", "AWS_DEFAULT_REGION", "STSH_ACCOUNT", "STSH_EXPIRATION",
]


def assert_long_lived_env(e: dict[str, str], name: str, key: str, secret: str, region: str = "us-east-1") -> None:
    assert e.get("AWS_ACCESS_KEY_ID") == key and e.get("AWS_ACCESS_KEY") == key, e
    assert e.get("AWS_SECRET_ACCESS_KEY") == secret and e.get("AWS_SECRET_KEY") == secret, e
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DELEGATION_TOKEN", "STSH_EXPIRATION"):
        assert var not in e, f"{var} should be unset for long-lived keys, is {e.get(var)!r}"
    assert e.get("MY_AWS_SET_FOR") == name
    assert e.get("STSH_ACCOUNT") == name
    assert e.get("AWS_DEFAULT_REGION") == region


def assert_session_env(e: dict[str, str], name: str, session: dict, region: str = "us-east-1") -> None:
    """session: a cache entry (AccessKeyId, SecretAccessKey, SessionToken, Expiration)."""
    assert e.get("AWS_ACCESS_KEY_ID") == session["AccessKeyId"], e
    assert e.get("AWS_ACCESS_KEY") == session["AccessKeyId"], e
    assert e.get("AWS_SECRET_ACCESS_KEY") == session["SecretAccessKey"], e
    assert e.get("AWS_SECRET_KEY") == session["SecretAccessKey"], e
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DELEGATION_TOKEN"):
        assert e.get(var) == session["SessionToken"], f"{var}={e.get(var)!r}"
    assert e.get("MY_AWS_SET_FOR") == f"{name}-MFA-STS"
    assert e.get("STSH_ACCOUNT") == name
    assert e.get("AWS_DEFAULT_REGION") == region
    assert "STSH_EXPIRATION" in e, "STSH_EXPIRATION unset for a session"
    delta = abs((parse_time(e["STSH_EXPIRATION"]) - parse_time(session["Expiration"])).total_seconds())
    assert delta < 1.0, (e["STSH_EXPIRATION"], session["Expiration"])


def listener():
    """A listening 127.0.0.1 socket that never accepts: shows whether anyone connected."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    s.setblocking(False)
    return s


def connections_made(s) -> int:
    n = 0
    while True:
        try:
            conn, _ = s.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


# --- AWS config profiles (test_profiles*.py) ----------------------------------------------

def xdg_cache_home(home: Path) -> Path:
    """The XDG_CACHE_HOME the profile tests give stsh (inside the throwaway HOME)."""
    return Path(home) / "xdg-cache"


def profile_cache_dir(home: Path) -> Path:
    """stsh's shared session cache: $XDG_CACHE_HOME/stsh."""
    return xdg_cache_home(home) / "stsh"


def write_aws_files(home: Path, config: str, credentials: str = "") -> None:
    """Writes ~/.aws/config and ~/.aws/credentials (text is dedented)."""
    import textwrap

    aws = Path(home) / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    (aws / "config").write_text(textwrap.dedent(config).lstrip())
    (aws / "credentials").write_text(textwrap.dedent(credentials).lstrip())
    os.chmod(aws / "credentials", 0o600)


def profile_cache_entries(home: Path) -> dict[str, dict]:
    """File name -> parsed JSON for every entry of the shared session cache.

    Each entry's "Key" holds its canonical key, one `field=value` a line
    (kind, source, role, mfa, external, name, duration); it is parsed into "key".
    """
    out: dict[str, dict] = {}
    directory = profile_cache_dir(home)
    if not directory.is_dir():
        return out
    for p in sorted(directory.glob("*.json")):
        data = json.loads(p.read_text())
        data["key"] = dict(line.split("=", 1) for line in data.get("Key", "").splitlines() if "=" in line)
        out[p.name] = data
    return out


def profile_cache_entry(home: Path, kind: str, **match: str) -> tuple[Path, dict]:
    """The one cache entry of `kind` ("role" or "session") whose key fields match."""
    found = [
        (profile_cache_dir(home) / name, data)
        for name, data in profile_cache_entries(home).items()
        if data["key"].get("kind") == kind and all(data["key"].get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, f"want one {kind} entry matching {match}, found {[str(p) for p, _ in found]}"
    return found[0]


# A config-profile world: static keys in ~/.aws/credentials ([base]), roles in ~/.aws/config.
PROFILE_ACCOUNT = "111122223333"
BASE_KEYS = ("AKIABASEEXAMPLE00001", "bAsE/sEcReT+000000000000000000000EXAMPLE0")
MFA_SERIAL = f"arn:aws:iam::{PROFILE_ACCOUNT}:mfa/jbrowne"
MFA_PROMPT = f"Enter MFA code for {MFA_SERIAL}: "
# What moto's GetSessionToken always hands out (AssumeRole keys are random).
MOTO_SESSION_KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def role_arn(name: str, account: str = PROFILE_ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def write_base_profiles(home: Path, config_extra: str = "", credentials_extra: str = "",
                        base_keys: tuple[str, str] = BASE_KEYS) -> None:
    """[base] static keys; `role` (deploy, eu-west-1) and `mfa-role` (admin, MFA on the role) from base."""
    import textwrap

    config = (
        "[profile base]\n"
        "region = us-west-2\n\n"
        "[profile role]\n"
        f"role_arn = {role_arn('deploy')}\n"
        "source_profile = base\n"
        "region = eu-west-1\n\n"
        "[profile mfa-role]\n"
        f"role_arn = {role_arn('admin')}\n"
        "source_profile = base\n"
        f"mfa_serial = {MFA_SERIAL}\n\n"
    ) + textwrap.dedent(config_extra).lstrip()
    credentials = (
        "[base]\n"
        f"aws_access_key_id = {base_keys[0]}\n"
        f"aws_secret_access_key = {base_keys[1]}\n\n"
    ) + textwrap.dedent(credentials_extra).lstrip()
    write_aws_files(home, config, credentials)


# --- secret backends (test_backends*.py) ----------------------------------------------------

import shutil  # noqa: E402

from motoserver import make_home, stsh_env  # noqa: E402


# The backends the suite runs against; plaintext is the seed layout the other modules cover.
BACKENDS = ("file", "keyctl", "secret-service")
FILE_PASSPHRASE = "correct horse battery staple"
WRONG_PASSPHRASE = "incorrect horse battery staple"


def xdg_env(home: Path) -> dict[str, str]:
    """Every XDG directory inside HOME (XDG_RUNTIME_DIR too); creates them, the runtime one 0700."""
    home = Path(home)
    dirs = {
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_RUNTIME_DIR": home / ".run",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    os.chmod(dirs["XDG_RUNTIME_DIR"], 0o700)
    return {k: str(v) for k, v in dirs.items()}


def tree_digest(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """As motoserver.snapshot, but sockets (a keyring daemon's) are recorded, not read.

    skip: path prefixes (relative to directory) left out.
    """
    import hashlib
    import stat

    directory = Path(directory)
    out: dict[str, tuple] = {}
    if not directory.exists():
        return out
    for p in sorted(directory.rglob("*")):
        rel = str(p.relative_to(directory))
        if any(rel == s or rel.startswith(s + "/") for s in skip):
            continue
        st = p.lstat()
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(p))
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = ("dir", stat.S_IMODE(st.st_mode))
        elif stat.S_ISREG(st.st_mode):
            out[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.sha256(p.read_bytes()).hexdigest())
        else:
            out[rel] = ("other", stat.S_IFMT(st.st_mode))
    return out


def parse_posix_exports(text: str) -> dict[str, str]:
    """NAME -> value from `export NAME='value';` lines (stsh's sh output); unset lines are left out."""
    import re

    out = {}
    for line in text.splitlines():
        m = re.fullmatch(r"export ([A-Za-z_][A-Za-z0-9_]*)='(.*)';", line.strip())
        if m:
            out[m.group(1)] = m.group(2).replace("'\\''", "'")
    return out


def redacted(key_id: str) -> str:
    """How stsh shows a key id in messages: AKIA...XXXX."""
    return f"{key_id[:4]}...{key_id[-4:]}"


def descendants(pid: int) -> list[int]:
    """Every live process below pid (from /proc; zombies included)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_text = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat_text.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def proc_text(pid: int, name: str) -> str:
    """/proc/PID/NAME with NULs as spaces; "" when the process is gone."""
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def exe_name(pid: int) -> str:
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return proc_text(pid, "comm").strip()


class PrivateKeyring:
    """A user namespace that exists only for one test, entered with nsenter.

    The kernel keeps one user keyring per uid *per user namespace*, so stsh's
    keyctl backend run through `prefix` reads and writes a keyring no other
    test (and none of the developer's own sessions) sees; it goes away with
    the namespace.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.prefix: list[str] = []
        self.error = ""

    def __enter__(self) -> "PrivateKeyring":
        import time

        for tool in ("unshare", "nsenter"):
            if shutil.which(tool) is None:
                self.error = f"{tool} missing (Debian: util-linux)"
                return self
        self.proc = subprocess.Popen(
            ["unshare", "--user", "--map-current-user", "sleep", "infinity"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        mine = os.readlink("/proc/self/ns/user")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.error = "unshare --user failed: " + self.proc.stderr.read().decode(errors="replace").strip()
                return self
            try:
                if os.readlink(f"/proc/{self.proc.pid}/ns/user") != mine:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        else:
            self.error = "unshare --user did not enter a new user namespace"
            return self
        self.prefix = ["nsenter", f"--user=/proc/{self.proc.pid}/ns/user", "--preserve-credentials"]
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc.stderr.close()


class BackendWorld:
    """A throwaway HOME (seed accounts, XDG dirs inside) whose secrets go to one backend.

    keyctl runs every command inside a PrivateKeyring; secret-service inside
    its own session bus with an unlocked GNOME Keyring (test_secret_service's
    KeyringSession). `skip_reason` says why the backend cannot run here.
    """

    def __init__(self, backend: str, root: Path, stsh_path: Path, endpoint: str | None,
                 *, user_files: dict[str, str] | None = None, unlock: bool = True):
        import contextlib

        self.backend = backend
        self.root = Path(root)
        self.stsh = Path(stsh_path)
        self.home = make_home(self.root / "home", user_files=user_files)
        self.creds = self.home / "aws-creds"
        self.xdg = xdg_env(self.home)
        extra = dict(self.xdg, STSH_BACKEND=backend)
        if backend == "file":
            extra["STSH_FILE_PASSPHRASE"] = FILE_PASSPHRASE
        self.env = stsh_env(self.home, endpoint, extra)
        self.prefix: list[str] = []
        self.keyring = None  # the KeyringSession for secret-service
        self.unlock = unlock
        self.skip_reason = ""
        self._stack = contextlib.ExitStack()

    # Where things are.
    @property
    def data_dir(self) -> Path:
        return Path(self.xdg["XDG_DATA_HOME"]) / "stsh"

    @property
    def cache_dir(self) -> Path:
        return Path(self.xdg["XDG_CACHE_HOME"]) / "stsh"

    @property
    def runtime_dir(self) -> Path:
        return Path(self.xdg["XDG_RUNTIME_DIR"]) / "stsh"

    def __enter__(self) -> "BackendWorld":
        try:
            if self.backend == "keyctl":
                ns = self._stack.enter_context(PrivateKeyring())
                if ns.error:
                    self.skip_reason = f"no private kernel keyring for the test: {ns.error}"
                    return self
                self.prefix = ns.prefix
            elif self.backend == "secret-service":
                for tool, package in (("dbus-run-session", "dbus-daemon"), ("gdbus", "libglib2.0-bin"),
                                      ("gnome-keyring-daemon", "gnome-keyring")):
                    if shutil.which(tool) is None:
                        self.skip_reason = f"{tool} missing (Debian: {package})"
                        return self
                self.keyring = self._stack.enter_context(self.keyring_session(unlock=self.unlock))
                self.env["DBUS_SESSION_BUS_ADDRESS"] = self.keyring.bus
            status = self.backend_status()
            if status[0] != "available":
                self.skip_reason = f"{self.backend} backend unavailable here: {status[1]}"
        except BaseException:
            self._stack.close()
            raise
        return self

    def keyring_session(self, unlock: bool = True):
        """A new session bus + GNOME Keyring over this HOME (the keyring persists on disk between sessions)."""
        from test_secret_service import KeyringSession

        session = KeyringSession(self.root / "keyring-scratch", unlock=unlock, log=self.root / "keyring.log")
        session.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(self.home),
            **self.xdg,
        }
        return session

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def reopen_keyring(self, unlock: bool) -> None:
        """Ends the keyring session and starts another over the same HOME (a new login)."""
        import contextlib

        self._stack.close()
        self._stack = contextlib.ExitStack()
        self.keyring = self._stack.enter_context(self.keyring_session(unlock=unlock))
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.keyring.bus

    # Running stsh (and other programs) where the backend lives.
    def argv(self, args: list[str]) -> list[str]:
        return [*self.prefix, str(self.stsh), *args]

    def merged_env(self, extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict[str, str]:
        env = dict(self.env)
        env.update(extra or {})
        for key in drop:
            env.pop(key, None)
        return env

    def run(self, args: list[str], *, extra: dict[str, str] | None = None, drop: tuple[str, ...] = (),
            input: str | None = None, timeout: float = 30, **kw) -> subprocess.CompletedProcess:
        return self.run_argv(self.argv(args), extra=extra, drop=drop, input=input, timeout=timeout, **kw)

    def run_argv(self, argv: list[str], *, extra: dict[str, str] | None = None, drop: tuple[str, ...] = (),
                 input: str | None = None, timeout: float = 30, **kw) -> subprocess.CompletedProcess:
        """Any command in the backend's namespace (argv without the prefix)."""
        if argv[: len(self.prefix)] != self.prefix:
            argv = [*self.prefix, *argv]
        return subprocess.run(
            argv, env=self.merged_env(extra, drop), input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout, start_new_session=True, **kw,
        )

    def popen(self, args: list[str], *, extra: dict[str, str] | None = None, **kw) -> subprocess.Popen:
        return subprocess.Popen(self.argv(args), env=self.merged_env(extra), start_new_session=True, **kw)

    def spawn(self, args: list[str], *, extra: dict[str, str] | None = None, timeout: float = 15):
        """stsh in a pseudo-terminal (pexpect), its controlling terminal."""
        import pexpect

        argv = self.argv(args)
        return pexpect.spawn(argv[0], argv[1:], env=self.merged_env(extra), encoding="utf-8",
                             codec_errors="replace", timeout=timeout, dimensions=(50, 500))

    # What the backend holds.
    def backend_status(self) -> tuple[str, str, bool]:
        """(available|unavailable, detail, chosen) for this backend from `stsh backends`."""
        import re

        cp = self.run(["backends"])
        assert cp.returncode == 0, cp.stderr
        for line in cp.stdout.splitlines():
            m = re.match(r"^([* ]) (\S+)\s+(available|unavailable)\s+(.*)$", line)
            if m and m.group(2) == self.backend:
                return m.group(3), m.group(4).strip(), m.group(1) == "*"
        raise AssertionError(f"{self.backend} missing from `stsh backends`:\n{cp.stdout}")

    def listed(self) -> dict[str, list[str]]:
        """`stsh list` as PROFILE -> [KIND, SOURCE, SESSION...] (asserts it succeeds)."""
        cp = self.run(["list"])
        assert cp.returncode == 0, f"stsh list failed ({cp.returncode}): {cp.stderr}"
        rows = [line.split() for line in cp.stdout.splitlines()[1:] if line.strip()]
        return {row[0]: row[1:] for row in rows}

    def stored_keys(self, name: str, extra: dict[str, str] | None = None) -> tuple[str, str] | None:
        """The long-lived keys the backend holds for name, or None.

        Read with `stsh switch` (no network, no MFA prompt) and STSH_CREDS_DIR
        pointing at an empty directory, so plaintext seed files cannot shadow
        the backend. Fails the test on any error but "unknown profile/account".
        """
        empty = self.root / "no-seed-files"
        empty.mkdir(exist_ok=True)
        cp = self.run(["switch", name], extra={"STSH_CREDS_DIR": str(empty), **(extra or {})})
        if cp.returncode == 3 and ("unknown profile" in cp.stderr or "unknown account" in cp.stderr):
            return None
        assert cp.returncode == 0, f"reading {name} from the {self.backend} backend failed ({cp.returncode}): {cp.stderr}"
        e = parse_posix_exports(cp.stdout)
        assert "AWS_SESSION_TOKEN" not in e, f"{name}: switch gave a session, not the stored keys"
        return e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"]

    def plaintext_keys(self, name: str) -> tuple[str, str] | None:
        """The seed files' keys for name when both files are there, else None."""
        key, secret = self.creds / f"{name}.access_key", self.creds / f"{name}.secret_key"
        if not (key.is_file() and secret.is_file()):
            return None
        return key.read_text().strip(), secret.read_text().strip()

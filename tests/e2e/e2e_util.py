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

"""Local helpers shared by the e2e suite and scripts/demo.py.

Everything here talks to 127.0.0.1 only: a moto_server subprocess, a small
recording proxy in front of it, and throwaway HOME directories.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"

REPO_ROOT = Path(__file__).resolve().parents[2]

# Accounts from the seed README.
ACCOUNTS = {
    "personal": "arn:aws:iam::987654321012:",
    "work": "arn:aws:iam::012123456789:",
}

# Long-lived test keys, distinct from the fixed session keys moto's
# GetSessionToken hands out (AKIAIOSFODNN7EXAMPLE), so a test can tell which
# set ended up in the environment.
LONG_LIVED_KEYS = {
    "work": ("AKIAWORKEXAMPLE00001", "wOrKsEcReT0000000000000000000000EXAMPLE1"),
    "personal": ("AKIAPERSONALEXAMPLE2", "pErSoNaLsEcReT000000000000000000EXAMPLE2"),
}

# A secret that breaks naive quoting in sh, bash, zsh and fish.
NASTY_SECRET = "wJal+rX/Ut=nF'E\"M $HOME `id` $(id) \\ I/K7+MDENG=="

DEFAULT_USER = "jbrowne"


def stsh_bin() -> Path:
    return Path(os.environ.get("STSH_BIN", str(REPO_ROOT / "build" / "stsh")))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    return free_port()


def _wait_http(url: str, deadline: float, proc: subprocess.Popen | None = None) -> None:
    parsed = urllib.parse.urlparse(url)
    last_err: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=1)
            conn.request("GET", parsed.path or "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError as e:
            last_err = e
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in time: {last_err}")


def clean_base_env() -> dict[str, str]:
    """Environment for child processes that are not stsh (moto itself)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("AWS_") or k.startswith("STSH_") or k == "MY_AWS_SET_FOR")
    }
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


class MotoServer:
    """A moto_server subprocess on a free 127.0.0.1 port."""

    def __init__(self, no_auth_action_count: int | None = None, log_path: str | None = None):
        self.no_auth_action_count = no_auth_action_count
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 30.0) -> "MotoServer":
        env = clean_base_env()
        if self.no_auth_action_count is not None:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(self.no_auth_action_count)
        moto_server = Path(sys.executable).with_name("moto_server")
        base_cmd = [str(moto_server)] if moto_server.exists() else [sys.executable, "-m", "moto.server"]
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        last_err: Exception | None = None
        for _ in range(3):  # the port can be taken between probe and bind
            self.port = free_port()
            self.proc = subprocess.Popen(
                base_cmd + ["-H", HOST, "-p", str(self.port)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # /moto-api/data.json is not an AWS action: it does not use up
                # INITIAL_NO_AUTH_ACTION_COUNT.
                _wait_http(self.url + "/moto-api/data.json", time.monotonic() + timeout, self.proc)
                return self
            except RuntimeError as e:
                last_err = e
                self.stop()
        raise RuntimeError(f"moto_server did not start: {last_err}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None

    def reset(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        conn.request("POST", "/moto-api/reset")
        conn.getresponse().read()
        conn.close()

    def client(self, service: str, key: str = "testing", secret: str = "testing", token: str | None = None):
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            region_name="us-east-1",
        )
        return session.client(service, endpoint_url=self.url)

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class RecordingProxy:
    """Forwards every request to an upstream server and remembers it.

    Lets tests check what stsh actually sent (form parameters, the
    Authorization header's key id and region scope, the session token header).
    """

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parsed = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(parsed.query))
                ctype = self.headers.get("Content-Type", "")
                if body and "x-www-form-urlencoded" in ctype:
                    params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
                with proxy._lock:
                    proxy.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "params": params,
                        }
                    )
                conn = http.client.HTTPConnection(HOST, proxy.upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = _forward
            do_POST = _forward

        self.server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "RecordingProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def actions(self) -> list[str]:
        with self._lock:
            return [r["params"].get("Action", "") for r in self.requests]

    def last(self, action: str) -> dict:
        with self._lock:
            found = [r for r in self.requests if r["params"].get("Action") == action]
        assert found, f"no {action} request reached the server (saw {self.actions()})"
        return found[-1]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


def auth_key_id(request: dict) -> str:
    """The access key id in a recorded request's SigV4 Authorization header."""
    auth = request["headers"].get("authorization", "")
    return auth.split("Credential=", 1)[1].split("/", 1)[0]


def auth_region(request: dict) -> str:
    auth = request["headers"].get("authorization", "")
    return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[2]


def make_home(
    root: Path,
    accounts: dict[str, str] | None = None,
    keys: dict[str, tuple[str, str]] | None = None,
    user_files: dict[str, str] | None = None,
) -> Path:
    """Builds HOME with ~/aws-creds holding keys and accounts.json."""
    home = Path(root)
    creds = home / "aws-creds"
    creds.mkdir(parents=True, exist_ok=True)
    os.chmod(creds, 0o700)
    for name, (key, secret) in (keys if keys is not None else LONG_LIVED_KEYS).items():
        (creds / f"{name}.access_key").write_text(key + "\n")
        (creds / f"{name}.secret_key").write_text(secret + "\n")
        os.chmod(creds / f"{name}.secret_key", 0o600)
    for name, user in (user_files or {}).items():
        (creds / f"{name}.user").write_text(user + "\n")
    (creds / "accounts.json").write_text(json.dumps(accounts if accounts is not None else ACCOUNTS, indent=4) + "\n")
    (home / ".aws").mkdir(exist_ok=True)
    return home


_BLACKHOLE_PROXY = f"http://{HOST}:{closed_port()}"


def stsh_env(home: Path, endpoint: str | None, extra: dict[str, str] | None = None, user: str = DEFAULT_USER) -> dict[str, str]:
    """A minimal environment: nothing inherited but what a login would set."""
    bindir = str(stsh_bin().parent)
    env = {
        "PATH": f"{bindir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(home),
        "USER": user,
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "AWS_CONFIG_FILE": str(Path(home) / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(Path(home) / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        # Safety net: an HTTPS request that escaped the local endpoint (real
        # AWS) would go to a closed local proxy port and fail.
        "https_proxy": _BLACKHOLE_PROXY,
        "HTTPS_PROXY": _BLACKHOLE_PROXY,
        "no_proxy": "127.0.0.1,localhost",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if endpoint:
        env["AWS_ENDPOINT_URL_STS"] = endpoint
        env["AWS_ENDPOINT_URL"] = endpoint
    env.update(extra or {})
    return env


def snapshot(directory: Path) -> dict[str, tuple]:
    """Path -> (kind, mode, sha256 or link target) for everything under directory."""
    directory = Path(directory)
    out: dict[str, tuple] = {}
    if not directory.exists():
        return out
    for p in sorted(directory.rglob("*")):
        st = p.lstat()
        rel = str(p.relative_to(directory))
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(p))
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = ("dir", stat.S_IMODE(st.st_mode))
        else:
            out[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.sha256(p.read_bytes()).hexdigest())
    return out


class TempHome:
    """A throwaway HOME removed on exit (used by scripts/demo.py)."""

    def __init__(self, prefix: str = "stsh-demo-"):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        self.cleanup()

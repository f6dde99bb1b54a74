"""The Secret Service backend, end to end: stsh-net against a real GNOME Keyring.

Each test runs its own session bus (dbus-run-session) with a throwaway HOME
and XDG directories, starts gnome-keyring-daemon in it, and sends stsh-net
the JSON requests stsh would send (store/secret_wire.h). Nothing is left
running afterwards. Skipped, not failed, when gnome-keyring or dbus is
missing (Debian: gnome-keyring, dbus-daemon, libglib2.0-bin).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

PASSWORD = "testpass"
NO_SERVICE = (
    "no Secret Service on the session bus (is gnome-keyring or KeePassXC running? or choose --backend file)"
)
LOCKED = "the keyring is locked: unlock it"
CONFIG_ERROR = 3

needs_dbus = pytest.mark.skipif(
    shutil.which("dbus-run-session") is None or shutil.which("gdbus") is None,
    reason="dbus-run-session or gdbus missing (Debian: dbus-daemon, libglib2.0-bin)",
)
needs_keyring = pytest.mark.skipif(
    shutil.which("gnome-keyring-daemon") is None, reason="gnome-keyring-daemon missing (Debian: gnome-keyring)"
)

# Runs inside dbus-run-session: starts the keyring, reports the bus and the
# daemon's pid, then holds the bus open until the test closes our stdin.
SESSION_SCRIPT = r"""
set -e
if [ "$STSH_E2E_UNLOCK" = 1 ]; then
  printf '%s' "$STSH_E2E_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
else
  gnome-keyring-daemon --components=secrets --daemonize >/dev/null
fi
# --daemonize returns before the daemon owns its bus name.
gdbus wait --session --timeout 20 org.freedesktop.secrets
pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets)
echo "bus=$DBUS_SESSION_BUS_ADDRESS"
echo "pid=$pid"
echo ready
read -r _ || true
"""


def isolated_env(root: Path) -> dict[str, str]:
    """HOME and every XDG directory under `root`; no display, no inherited bus."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "XDG_DATA_HOME": str(root / "home" / ".local" / "share"),
        "XDG_CACHE_HOME": str(root / "home" / ".cache"),
        "XDG_STATE_HOME": str(root / "home" / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(root / "run"),
    }
    for key in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    return env


def process_gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has exited


class KeyringSession:
    """A session bus with gnome-keyring-daemon in it; stops both on exit."""

    def __init__(self, root: Path, *, unlock: bool, log: Path):
        self.env = isolated_env(root)
        self.unlock = unlock
        self.log_path = log
        self.bus = ""
        self.daemon_pid = 0

    def __enter__(self) -> "KeyringSession":
        env = dict(self.env, STSH_E2E_UNLOCK="1" if self.unlock else "0", STSH_E2E_PASSWORD=PASSWORD)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", SESSION_SCRIPT],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
        )
        try:
            for line in self.proc.stdout:
                line = line.strip()
                if line.startswith("bus="):
                    self.bus = line[4:]
                elif line.startswith("pid="):
                    self.daemon_pid = int(re.search(r"uint32 (\d+)", line).group(1))
                elif line == "ready":
                    break
            else:
                raise RuntimeError(f"keyring session did not start; see {self.log_path}")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        finally:
            self.log.close()
        # gnome-keyring-daemon quits when its bus goes away; make sure it did.
        if self.daemon_pid:
            deadline = time.monotonic() + 10
            while not process_gone(self.daemon_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not process_gone(self.daemon_pid):
                os.kill(self.daemon_pid, 15)
                pytest.fail(f"gnome-keyring-daemon (pid {self.daemon_pid}) outlived its session bus")

    @property
    def client_env(self) -> dict[str, str]:
        return dict(self.env, DBUS_SESSION_BUS_ADDRESS=self.bus)

    def gdbus(self, *args: str) -> str:
        cp = subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets", *args],
            env=self.client_env, capture_output=True, text=True, timeout=20,
        )
        assert cp.returncode == 0, cp.stderr
        return cp.stdout

    def lock_all(self) -> None:
        self.gdbus("--object-path", "/org/freedesktop/secrets", "--method", "org.freedesktop.Secret.Service.Lock",
                   "['/org/freedesktop/secrets/collection/login']")


def call(helper: Path, env: dict[str, str], request: dict) -> dict:
    """One request to stsh-net; it always exits 0 and answers in JSON."""
    cp = subprocess.run([str(helper)], input=json.dumps(request), env=env, capture_output=True, text=True,
                        timeout=30, start_new_session=True)
    assert cp.returncode == 0, f"stsh-net exit {cp.returncode}; stderr:\n{cp.stderr}"
    return json.loads(cp.stdout)


def ok(response: dict) -> dict:
    assert response.get("ok") is True, response
    return response


def assert_config_error(response: dict, message: str) -> None:
    assert response.get("ok") is False and response.get("kind") == CONFIG_ERROR, response
    assert response["message"].startswith(message), response["message"]
    assert "\n" not in response["message"]


def get(helper, env, item):
    return call(helper, env, {"call": "SecretGet", "item": item})


def put(helper, env, item, value, expiration=None):
    request = {"call": "SecretPut", "item": item, "value": value}
    if expiration:
        request["expiration"] = expiration
    return call(helper, env, request)


def remove(helper, env, item):
    return call(helper, env, {"call": "SecretRemove", "item": item})


def listing(helper, env):
    return call(helper, env, {"call": "SecretList"})


KEYS_VALUE = json.dumps({"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "wJalr/K7MDENG+bPxRfiCY \"q\" \\ é"})
SESSION_VALUE = json.dumps({"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s", "SessionToken": "t=="})


@pytest.fixture
def keyring(tmp_path):
    """Opens keyring sessions that share one throwaway HOME (so a keyring persists between them)."""
    root = tmp_path / "ss"

    def open_session(unlock: bool = True) -> KeyringSession:
        return KeyringSession(root, unlock=unlock, log=tmp_path / "keyring.log")

    return open_session


@needs_dbus
@needs_keyring
def test_round_trips_of_keys_and_session_items(stsh_net, keyring):
    with keyring() as s:
        env = s.client_env
        probe = ok(call(stsh_net, env, {"call": "SecretProbe"}))
        assert probe["available"] is True, probe
        # SECRET_COLLECTION_DEFAULT resolves to the login keyring that --unlock created.
        assert probe["detail"] == 'GNOME Keyring via D-Bus, keyring "Login" (unlocked)', probe
        assert ok(listing(stsh_net, env))["items"] == []

        ok(put(stsh_net, env, "keys/work", KEYS_VALUE))
        ok(put(stsh_net, env, "session/work", SESSION_VALUE, "2030-01-01T00:00:00Z"))
        assert ok(get(stsh_net, env, "keys/work")) == {"ok": True, "found": True, "value": KEYS_VALUE}
        assert ok(get(stsh_net, env, "session/work"))["value"] == SESSION_VALUE
        assert ok(get(stsh_net, env, "keys/absent")) == {"ok": True, "found": False}
        assert ok(listing(stsh_net, env))["items"] == [
            {"name": "keys/work"},
            {"name": "session/work", "expiration": "2030-01-01T00:00:00Z"},
        ]

        # A new session with another expiry replaces the old item, it does not add one.
        renewed = SESSION_VALUE.replace("t==", "renewed")
        ok(put(stsh_net, env, "session/work", renewed, "2031-06-01T12:00:00Z"))
        assert ok(get(stsh_net, env, "session/work"))["value"] == renewed
        assert ok(listing(stsh_net, env))["items"] == [
            {"name": "keys/work"},
            {"name": "session/work", "expiration": "2031-06-01T12:00:00Z"},
        ]
        found = s.gdbus("--object-path", "/org/freedesktop/secrets",
                        "--method", "org.freedesktop.Secret.Service.SearchItems", "{'item': 'session/work'}")
        assert found.count("/org/freedesktop/secrets/collection/login/") == 1, found

        # The item as other Secret Service clients see it.
        path = re.search(r"'(/org/freedesktop/secrets/collection/login/\d+)'",
                         s.gdbus("--object-path", "/org/freedesktop/secrets", "--method",
                                 "org.freedesktop.Secret.Service.SearchItems", "{'item': 'keys/work'}")).group(1)
        label = s.gdbus("--object-path", path, "--method", "org.freedesktop.DBus.Properties.Get",
                        "org.freedesktop.Secret.Item", "Label")
        assert "'stsh: keys/work'" in label, label
        attributes = s.gdbus("--object-path", path, "--method", "org.freedesktop.DBus.Properties.Get",
                             "org.freedesktop.Secret.Item", "Attributes")
        assert "'xdg:schema': 'org.stsh.Item'" in attributes and "'item': 'keys/work'" in attributes, attributes

        ok(remove(stsh_net, env, "session/work"))
        ok(remove(stsh_net, env, "session/work"))  # removing a missing item is not an error
        assert ok(get(stsh_net, env, "session/work")) == {"ok": True, "found": False}
        assert ok(listing(stsh_net, env))["items"] == [{"name": "keys/work"}]


@needs_dbus
@needs_keyring
def test_locked_in_session_lists_but_does_not_read(stsh_net, keyring):
    with keyring() as s:
        env = s.client_env
        ok(put(stsh_net, env, "keys/work", KEYS_VALUE))
        ok(put(stsh_net, env, "session/work", SESSION_VALUE, "2030-01-01T00:00:00Z"))
        s.lock_all()
        probe = ok(call(stsh_net, env, {"call": "SecretProbe"}))
        assert probe["available"] is True and probe["detail"].endswith("(locked)"), probe
        # Names and expiry need no unlock; the unlock prompt cannot show here (no display).
        assert ok(listing(stsh_net, env))["items"] == [
            {"name": "keys/work"},
            {"name": "session/work", "expiration": "2030-01-01T00:00:00Z"},
        ]
        assert_config_error(get(stsh_net, env, "keys/work"), LOCKED)
        assert_config_error(put(stsh_net, env, "keys/other", KEYS_VALUE), LOCKED)
        assert_config_error(remove(stsh_net, env, "keys/work"), LOCKED)


@needs_dbus
@needs_keyring
def test_keyring_locked_on_disk_is_locked_not_empty(stsh_net, keyring):
    with keyring() as s:
        ok(put(stsh_net, s.client_env, "keys/work", KEYS_VALUE))
    # A new login without the password: GNOME Keyring loads the keyring
    # locked, with attribute values hashed until it is unlocked.
    with keyring(unlock=False) as s:
        env = s.client_env
        assert ok(call(stsh_net, env, {"call": "SecretProbe"}))["detail"].endswith("(locked)")
        assert_config_error(get(stsh_net, env, "keys/work"), LOCKED)
        assert_config_error(listing(stsh_net, env), LOCKED)
        assert_config_error(remove(stsh_net, env, "keys/work"), LOCKED)
        assert ok(get(stsh_net, env, "keys/absent")) == {"ok": True, "found": False}
    with keyring(unlock=True) as s:
        assert ok(get(stsh_net, s.client_env, "keys/work"))["value"] == KEYS_VALUE


def test_no_session_bus(stsh_net, tmp_path):
    env = isolated_env(tmp_path)  # no DBUS_SESSION_BUS_ADDRESS, no DISPLAY, an empty XDG_RUNTIME_DIR
    probe = ok(call(stsh_net, env, {"call": "SecretProbe"}))
    assert probe == {"ok": True, "available": False, "detail": NO_SERVICE}
    assert_config_error(get(stsh_net, env, "keys/work"), NO_SERVICE)
    assert_config_error(put(stsh_net, env, "keys/work", KEYS_VALUE), NO_SERVICE)
    assert_config_error(remove(stsh_net, env, "keys/work"), NO_SERVICE)
    assert_config_error(listing(stsh_net, env), NO_SERVICE)


# A session bus that can activate nothing (the stock configuration always
# adds /usr/share/dbus-1/services, where gnome-keyring registers itself).
BARE_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@needs_dbus
def test_session_bus_without_secret_service(stsh_net, tmp_path):
    env = isolated_env(tmp_path)
    config = tmp_path / "bus.conf"
    config.write_text(BARE_BUS_CONFIG.format(socket_dir=env["XDG_RUNTIME_DIR"]))
    script = (
        "for call in SecretProbe SecretGet SecretList; do"
        ' printf \'{"call":"%s","item":"keys/work"}\' "$call" | "$HELPER"; echo; done'
    )
    proc = subprocess.Popen(["dbus-run-session", f"--config-file={config}", "--", "sh", "-c", script],
                            env=dict(env, HELPER=str(stsh_net)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # the bus daemon is in the group too
            os.killpg(proc.pid, 9)
            proc.wait()
    assert proc.returncode == 0, err
    probe, got, listed = (json.loads(line) for line in out.splitlines())
    assert probe == {"ok": True, "available": False, "detail": NO_SERVICE}
    assert_config_error(got, NO_SERVICE)
    assert_config_error(listed, NO_SERVICE)


def test_malformed_and_unknown_calls(stsh_net, tmp_path):
    env = isolated_env(tmp_path)
    response = call(stsh_net, env, {"call": "SecretFrobnicate"})
    assert response["ok"] is False and "unknown call 'SecretFrobnicate'" in response["message"], response
    response = call(stsh_net, env, {"call": "SecretGet"})
    assert response["ok"] is False and "malformed" in response["message"], response

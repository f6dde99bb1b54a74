"""scripts/demo.py replays the walkthrough and cleans up after itself."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

from motoserver import REPO_ROOT, clean_base_env

DEMO = REPO_ROOT / "scripts" / "demo.py"
HEADER = re.compile(r"STS: moto_server at http://127\.0\.0\.1:(\d+); HOME=(\S+)")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def demo_env(stsh) -> dict:
    env = clean_base_env()
    env["STSH_BIN"] = str(stsh)
    return env


def test_demo_replays_walkthrough(stsh):
    cp = subprocess.run([sys.executable, str(DEMO)], env=demo_env(stsh), capture_output=True, text=True,
                        timeout=60, stdin=subprocess.DEVNULL, start_new_session=True)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    out = cp.stdout
    for expected in [
        "jbrowne@foo:~$ ec2now\nNo keys set\n",
        "jbrowne@foo:~$ ec2switch\nPossible accounts: personal work\n",
        "jbrowne@foo:~$ ec2switch personal\nCache not present for account personal\nSet keys for personal AWS account\n",
        "jbrowne@foo:~$ ec2mfa\nEnter token for user jbrowne: ",
        "Cache is valid for account personal\nSet keys for personal-MFA-STS AWS account\n",
        "jbrowne@foo:~$ ec2switch work\nCache not present for account work\nSet keys for work AWS account\n",
    ]:
        assert expected in out, f"missing {expected!r} in:\n{out}"
    m = HEADER.search(out)
    assert m, out
    port, home = int(m.group(1)), m.group(2)
    assert not os.path.exists(home), "demo left its HOME behind"
    assert not port_open(port), "demo left moto_server running"


def test_demo_cleans_up_on_ctrl_c(stsh):
    proc = subprocess.Popen([sys.executable, str(DEMO), "--pace", "2"], env=demo_env(stsh), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        line = proc.stdout.readline()
        m = HEADER.search(line)
        assert m, line
        port, home = int(m.group(1)), m.group(2)
        assert port_open(port)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        assert proc.returncode != 0
        deadline = time.monotonic() + 5
        while port_open(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not port_open(port), "moto_server still running after Ctrl-C"
        assert not os.path.exists(home), "HOME left behind after Ctrl-C"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

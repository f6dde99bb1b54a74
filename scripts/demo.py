#!/usr/bin/env python3
"""Replays the seed README's eight-step walkthrough with the real stsh.

Runs a local moto_server (127.0.0.1, free port) as STS, a throwaway HOME with
two accounts (personal, work), and a real bash in a pseudo-terminal, and
prints what a user would see: prompts, commands as typed, and their output.
The MFA code is typed at the `Enter token for user` prompt.

    STSH_BIN=build/stsh .venv/bin/python scripts/demo.py [--pace SECONDS]

--pace (or STSH_DEMO_PACE) waits that long before each step, for live demos.

Needs: pexpect and moto[server] (see tests/e2e/requirements.txt), bash.
moto and the temporary HOME are removed at exit, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "e2e"))

import pexpect  # noqa: E402

from motoserver import MotoServer, TempHome, make_home, stsh_bin, stsh_env  # noqa: E402

USER = "jbrowne"
PS1 = f"{USER}@foo:~$ "
MFA_CODE = "281823"

STEPS = [
    ("To start, no keys are set", "ec2now"),
    ("Let's see what accounts are available", "ec2switch"),
    ("Let's switch to the IAM credentials for ${USER}, account personal", "ec2switch personal"),
    ("We can see that the credentials are set", "ec2now"),
    ("Let's escalate to MFA confirmed credentials", "ec2mfa"),
    ("ec2now reflects the presence of MFA credentials", "ec2now"),
    ("Switch to the work account, no cache present, so no MFA creds", "ec2switch work"),
    ("Switch back to the personal account, MFA credentials are cached", "ec2switch personal"),
]


def show(text: str) -> None:
    sys.stdout.write(text.replace("\r\n", "\n").replace("\r", ""))
    sys.stdout.flush()


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


def replay(stsh: Path, moto: MotoServer, home: Path, pace: float) -> int:
    env = stsh_env(home, moto.url, extra={"PS1": PS1}, user=USER)
    env["PATH"] = f"{stsh.parent}:/usr/local/bin:/usr/bin:/bin"
    bash = pexpect.spawn(
        "bash", ["--norc", "--noprofile", "--noediting", "-i"],
        env=env, cwd=str(home), encoding="utf-8", codec_errors="replace",
        dimensions=(40, 200), timeout=15,
    )
    try:
        bash.expect_exact(PS1)
        # Setup, not shown: load the shell functions.
        bash.sendline('eval "$(stsh init bash)"')
        bash.expect_exact(PS1)
        print("Setup: `source ec2switch.sh` is now `eval \"$(stsh init bash)\"`.\n")
        for number, (what, command) in enumerate(STEPS, 1):
            time.sleep(pace)
            print(f"{number}. {what}:\n", flush=True)
            show(PS1)
            bash.sendline(command)  # the terminal echoes it back
            if command == "ec2mfa":
                bash.expect_exact(f"Enter token for user {USER}: ")
                show(bash.before + bash.after)
                bash.sendline(MFA_CODE)
            bash.expect_exact(PS1)
            show(bash.before + "\n")
        bash.sendline("exit")
        bash.expect(pexpect.EOF)
        return 0
    finally:
        bash.close(force=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pace", type=float, default=float(os.environ.get("STSH_DEMO_PACE", "0")),
                        help="seconds to wait before each step")
    args = parser.parse_args()
    stsh = stsh_bin().resolve()
    if not os.access(stsh, os.X_OK):
        print(f"demo: no stsh binary at {stsh}; build it or set STSH_BIN", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)
    temp = TempHome()
    moto = MotoServer()
    try:
        home = make_home(temp.path / "home")
        moto.start()
        print(f"STS: moto_server at {moto.url}; HOME={home}\n", flush=True)
        return replay(stsh, moto, home, args.pace)
    except KeyboardInterrupt:
        print("\ndemo: interrupted", file=sys.stderr)
        return 130
    except pexpect.ExceptionPexpect as e:
        print(f"\ndemo: the shell did not answer as expected: {e.__class__.__name__}", file=sys.stderr)
        return 1
    finally:
        moto.stop()
        temp.cleanup()


if __name__ == "__main__":
    sys.exit(main())

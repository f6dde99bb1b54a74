"""`credential_process = stsh export --format credential-process PROFILE` serving the AWS CLI v1/v2 and boto3.

Also the MFA prompt that such a process shows on the user's terminal, and
AssumeRole under moto's signature enforcement.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from e2e_util import (
    BASE_KEYS,
    MFA_PROMPT,
    MFA_SERIAL,
    PROFILE_ACCOUNT,
    assert_error,
    assert_ok,
    profile_cache_entry,
    role_arn,
    run,
    write_base_profiles,
    xdg_cache_home,
)
from motoserver import auth_key_id, make_home, stsh_env

AWS_V1 = Path(sys.executable).with_name("aws")
AWS_V2 = Path("/usr/bin/aws")


@functools.lru_cache(maxsize=None)
def _cli_problem(version: str) -> str | None:
    path = AWS_V1 if version == "v1" else AWS_V2
    if not path.exists():
        return f"AWS CLI {version} not installed at {path}"
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60)
    want = "aws-cli/1." if version == "v1" else "aws-cli/2."
    if want not in out.stdout + out.stderr:
        return f"{path} is not AWS CLI {version}: {out.stdout}{out.stderr}"
    return None


def aws_cli(version: str) -> Path:
    problem = _cli_problem(version)
    if problem:
        pytest.skip(problem)
    return AWS_V1 if version == "v1" else AWS_V2


def cp_profiles(stsh: Path) -> str:
    """Profiles the AWS clients use; each runs stsh for the profile stsh resolves."""
    return "".join(
        f"[profile cp-{target}]\n"
        f"credential_process = {stsh} export --format credential-process {target}\n"
        "region = us-east-1\n\n"
        for target in ("base", "role", "mfa-role")
    )


def client_env(profile_env: dict, profile: str) -> dict:
    # AWS_ENDPOINT_URL (already in profile_env) is what the stsh child uses.
    return dict(profile_env, AWS_PROFILE=profile, AWS_PAGER="")


BOTO3_IDENTITY = (
    "import boto3, json, sys\n"
    "s = boto3.session.Session(profile_name=sys.argv[1])\n"
    "print(json.dumps(s.client('sts', endpoint_url=sys.argv[2]).get_caller_identity()))\n"
)


def caller_identity(client: str, profile: str, env: dict, url: str, **kw) -> subprocess.CompletedProcess:
    if client == "boto3":
        argv = [sys.executable, "-c", BOTO3_IDENTITY, profile, url]
    else:
        argv = [str(aws_cli(client)), "sts", "get-caller-identity", "--endpoint-url", url, "--output", "json"]
    return subprocess.run(argv, env=client_env(env, profile), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, start_new_session=True, **kw)


def assumed_role_arn(role: str) -> str:
    return f"arn:aws:sts::{PROFILE_ACCOUNT}:assumed-role/{role}/stsh-jbrowne"


@pytest.mark.parametrize("kind", ["keys", "role", "mfa-role"])
@pytest.mark.parametrize("client", ["v1", "v2", "boto3"])
def test_aws_clients_use_stsh_as_credential_process(client, kind, stsh, home, profile_env, sts):
    if client != "boto3":
        aws_cli(client)
    write_base_profiles(home, cp_profiles(stsh))
    target = {"keys": "base", "role": "role", "mfa-role": "mfa-role"}[kind]
    if kind == "mfa-role":
        assert_ok(run(stsh, ["mfa", "mfa-role", "123456"], profile_env))
        assert sts.actions() == ["GetSessionToken", "AssumeRole"]
        sts.clear()

    cp = caller_identity(client, f"cp-{target}", profile_env, sts.url)
    assert cp.returncode == 0, f"{client} failed:\n{cp.stderr}"
    ident = json.loads(cp.stdout)

    call = sts.last("GetCallerIdentity")
    if kind == "keys":
        assert sts.actions() == ["GetCallerIdentity"]
        assert auth_key_id(call) == BASE_KEYS[0]
        assert "x-amz-security-token" not in call["headers"]
    elif kind == "role":
        assert sts.actions() == ["AssumeRole", "GetCallerIdentity"]
        assert sts.last("AssumeRole")["params"]["RoleArn"] == role_arn("deploy")
        assert ident["Arn"] == assumed_role_arn("deploy"), ident
        _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
        assert auth_key_id(call) == entry["AccessKeyId"]
        assert call["headers"]["x-amz-security-token"] == entry["SessionToken"]
    else:
        # Everything came from the cache `stsh mfa` filled: no terminal needed, no STS call.
        assert sts.actions() == ["GetCallerIdentity"]
        assert ident["Arn"] == assumed_role_arn("admin"), ident
        _, entry = profile_cache_entry(home, "role", role=role_arn("admin"))
        assert auth_key_id(call) == entry["AccessKeyId"]


def test_mfa_prompt_reaches_the_terminal_through_aws_cli_v2(stsh, home, profile_env, sts):
    cli = aws_cli("v2")
    write_base_profiles(home, cp_profiles(stsh))
    child = pexpect.spawn(
        str(cli), ["sts", "get-caller-identity", "--endpoint-url", sts.url, "--output", "json"],
        env=client_env(profile_env, "cp-mfa-role"), encoding="utf-8", codec_errors="replace", timeout=30,
    )
    try:
        child.expect_exact(MFA_PROMPT)
        child.sendline("123456")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    out = child.before
    assert child.exitstatus == 0, f"aws exited {child.exitstatus} / signal {child.signalstatus}:\n{out}"
    assert assumed_role_arn("admin") in out, out
    assert sts.actions() == ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]
    gst = sts.last("GetSessionToken")["params"]
    assert (gst["SerialNumber"], gst["TokenCode"]) == (MFA_SERIAL, "123456")

    # Again, without a terminal: both sessions come from the cache.
    sts.clear()
    cp = caller_identity("v2", "cp-mfa-role", profile_env, sts.url)
    assert cp.returncode == 0, cp.stderr
    assert json.loads(cp.stdout)["Arn"] == assumed_role_arn("admin")
    assert sts.actions() == ["GetCallerIdentity"]


@pytest.mark.parametrize("client", ["v1", "v2", "boto3"])
def test_mfa_without_terminal_fails_fast_and_names_stsh_mfa(client, stsh, home, profile_env, sts):
    write_base_profiles(home, cp_profiles(stsh))
    start = time.monotonic()
    cp = caller_identity(client, "cp-mfa-role", profile_env, sts.url)  # setsid, stdin /dev/null
    elapsed = time.monotonic() - start
    assert cp.returncode != 0, cp.stdout
    assert "stsh mfa mfa-role" in cp.stderr, cp.stderr
    assert elapsed < 15, f"took {elapsed:.1f}s"
    assert sts.actions() == [], "nothing should reach STS without an MFA code"


def test_stsh_alone_without_terminal_exits_7(stsh, home, profile_env, sts):
    write_base_profiles(home)
    cp = run(stsh, ["export", "mfa-role", "--format", "credential-process"], profile_env)
    line = assert_error(cp, 7)
    assert "stsh mfa mfa-role" in line and "terminal" in line, line
    assert sts.actions() == []


# --- SigV4 enforced by moto ------------------------------------------------------------------

def enforced_home(tmp_path: Path, moto_auth, keys: tuple[str, str]) -> tuple[Path, dict]:
    home = make_home(tmp_path / "home")
    write_base_profiles(home, base_keys=keys)
    env = stsh_env(home, moto_auth.url, {"XDG_CACHE_HOME": str(xdg_cache_home(home))})
    return home, env


def test_role_profile_with_real_source_keys_is_accepted_under_enforcement(stsh, tmp_path, moto_auth):
    home, env = enforced_home(tmp_path, moto_auth, moto_auth.allowed)
    cp = run(stsh, ["export", "role", "--format", "credential-process"], env)
    assert_ok(cp)
    doc = json.loads(cp.stdout)
    assert doc["Version"] == 1 and doc["AccessKeyId"].startswith("ASIA"), doc
    assert moto_auth.allowed[1] not in cp.stdout + cp.stderr


def test_role_profile_with_denied_source_is_refused_under_enforcement(stsh, tmp_path, moto_auth):
    home, env = enforced_home(tmp_path, moto_auth, moto_auth.denied)
    cp = run(stsh, ["export", "role", "--format", "credential-process"], env)
    line = assert_error(cp, 4)
    assert line.startswith("stsh: error: AccessDenied: "), line
    assert not list((xdg_cache_home(home) / "stsh").glob("*.json")), "a refused call must not be cached"

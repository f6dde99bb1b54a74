"""The real AWS CLI (v1 and v2) and boto3 work with the environment stsh sets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_util import assert_ok, read_cache
from motoserver import LONG_LIVED_KEYS
from shells import DUMP_ENV, init_line, parse_env_dump, run_script

AWS_V1 = Path(sys.executable).with_name("aws")
AWS_V2 = Path("/usr/bin/aws")


def aws_cli(version: str) -> Path:
    path = AWS_V1 if version == "v1" else AWS_V2
    if not path.exists():
        pytest.skip(f"AWS CLI {version} not installed at {path}")
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60)
    want = "aws-cli/1." if version == "v1" else "aws-cli/2."
    if want not in out.stdout + out.stderr:
        pytest.skip(f"{path} is not AWS CLI {version}: {out.stdout}{out.stderr}")
    return path


def env_after(env: dict, commands: list[str]) -> dict:
    """The environment a bash user has after running commands with stsh's functions."""
    cp = run_script("bash", "\n".join([init_line("bash"), *commands, DUMP_ENV]), env)
    assert_ok(cp)
    return parse_env_dump(cp.stdout)


def client_env(e: dict, home: Path) -> dict:
    """What the user's shell would pass on: stsh's variables, nothing else from AWS."""
    keep = dict(e)
    keep.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
    )
    return keep


def caller_identity_with_cli(cli: Path, e: dict, endpoint: str) -> dict:
    cp = subprocess.run(
        [str(cli), "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", "json"],
        env=e, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert cp.returncode == 0, cp.stderr
    return json.loads(cp.stdout)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_aws_cli_with_long_lived_keys(version, stsh, home, env, moto):
    cli = aws_cli(version)
    e = env_after(env, ["ec2switch work"])
    assert e["AWS_ACCESS_KEY_ID"] == LONG_LIVED_KEYS["work"][0]
    ident = caller_identity_with_cli(cli, client_env(e, home), moto.url)
    assert ident["Account"]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_aws_cli_with_mfa_session(version, stsh, home, env, moto):
    cli = aws_cli(version)
    e = env_after(env, ["ec2switch work", "ec2mfa 123456"])
    cache = read_cache(home / "aws-creds", "work")
    assert e["AWS_SESSION_TOKEN"] == cache["SessionToken"]
    ident = caller_identity_with_cli(cli, client_env(e, home), moto.url)
    assert ident["Account"]


@pytest.mark.parametrize("after_mfa", [False, True], ids=["long-lived", "mfa-session"])
def test_boto3_with_stsh_environment(after_mfa, stsh, home, env, moto):
    commands = ["ec2switch work"] + (["ec2mfa 123456"] if after_mfa else [])
    e = client_env(env_after(env, commands), home)
    code = (
        "import boto3, json\n"
        f"c = boto3.client('sts', endpoint_url={moto.url!r})\n"
        "creds = boto3.session.Session().get_credentials().get_frozen_credentials()\n"
        "print(json.dumps({'id': c.get_caller_identity()['Account'], 'key': creds.access_key,"
        " 'token': creds.token, 'region': c.meta.region_name}))\n"
    )
    cp = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, timeout=60)
    assert cp.returncode == 0, cp.stderr
    out = json.loads(cp.stdout)
    assert out["id"]
    assert out["key"] == e["AWS_ACCESS_KEY_ID"]
    assert out["token"] == (e["AWS_SESSION_TOKEN"] if after_mfa else None)
    assert out["region"] == "us-east-1"


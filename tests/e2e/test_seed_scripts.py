"""generate-sts-mfa-token and generate-sts-role-token (and `stsh session-token` / `stsh role`)."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from e2e_util import (
    assert_ok,
    cache_path,
    lines,
    mode_of,
    now_utc,
    parse_time,
    read_cache,
    run,
    write_cache,
)
from motoserver import ACCOUNTS, LONG_LIVED_KEYS, auth_key_id, auth_region
from shells import DUMP_ENV, parse_env_dump, run_script

MFA = "generate-sts-mfa-token"
ROLE = "generate-sts-role-token"
JSON_KEYS = ["access_key", "expiration", "secret_key", "session_token"]
SHELL_VARS = [
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_DELEGATION_TOKEN", "AWS_TOKEN_EXPIRATION", "AWS_DEFAULT_REGION",
]

# Credentials a script would have in its environment (signing AssumeRole).
ENV_KEY, ENV_SECRET = "AKIAENVEXAMPLE000001", "envSecret/+=EXAMPLEEXAMPLEEXAMPLE00001"


def with_env_creds(env: dict, token: str | None = None) -> dict:
    e = dict(env, AWS_ACCESS_KEY_ID=ENV_KEY, AWS_SECRET_ACCESS_KEY=ENV_SECRET)
    if token:
        e["AWS_SESSION_TOKEN"] = token
    return e


def check_json_output(stdout: str) -> dict:
    """The seed's shape: json.dumps(sort_keys=True, indent=4), a newline at the end."""
    data = json.loads(stdout)
    assert list(data) == JSON_KEYS, data
    assert all(isinstance(v, str) and v for v in data.values()), data
    assert stdout == json.dumps(data, sort_keys=True, indent=4) + "\n", f"not the seed's JSON layout:\n{stdout}"
    parse_time(data["expiration"])
    return data


def expires_in(value: str) -> float:
    return (parse_time(value) - now_utc()).total_seconds()


def caller_arn(moto, key: str, secret: str, token: str) -> str:
    return moto.client("sts", key, secret, token).get_caller_identity()["Arn"]


# --- generate-sts-role-token ------------------------------------------------

def test_role_token_json(stsh, env, sts, moto):
    cp = run(stsh, ["--account", "work", "--role", "deploy", "--session-name", "ci-run-7"], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    data = check_json_output(cp.stdout)
    req = sts.last("AssumeRole")
    assert req["params"]["RoleArn"] == ACCOUNTS["work"] + "role/deploy"
    assert req["params"]["RoleSessionName"] == "ci-run-7"
    assert auth_key_id(req) == ENV_KEY, "AssumeRole must be signed with the environment's credentials"
    # The returned credentials are the assumed role's.
    arn = caller_arn(moto, data["access_key"], data["secret_key"], data["session_token"])
    assert arn == "arn:aws:sts::012123456789:assumed-role/deploy/ci-run-7"
    assert expires_in(data["expiration"]) > 600


def test_role_token_default_session_name_is_not_foo(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--role", "deploy"], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    name = sts.last("AssumeRole")["params"].get("RoleSessionName", "")
    assert name and name != "foo"


def test_role_token_shell_output_evals_in_bash(stsh, env, sts, moto):
    cp = run(stsh, ["--account", "work", "--role", "deploy", "--shell"], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    out = lines(cp.stdout)
    assert all(line.startswith("export ") for line in out), cp.stdout
    assert sorted(line.split("=", 1)[0][len("export "):] for line in out) == sorted(SHELL_VARS)

    ev = run_script("bash", f"{cp.stdout}\n{DUMP_ENV}", env)
    assert_ok(ev)
    e = parse_env_dump(ev.stdout)
    assert e["AWS_ACCESS_KEY_ID"] == e["AWS_ACCESS_KEY"]
    assert e["AWS_SECRET_ACCESS_KEY"] == e["AWS_SECRET_KEY"]
    assert e["AWS_SESSION_TOKEN"] == e["AWS_SECURITY_TOKEN"] == e["AWS_DELEGATION_TOKEN"]
    assert e["AWS_DEFAULT_REGION"] == "us-east-1"
    assert expires_in(e["AWS_TOKEN_EXPIRATION"]) > 600
    arn = caller_arn(moto, e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_SESSION_TOKEN"])
    assert arn.startswith("arn:aws:sts::012123456789:assumed-role/deploy/")


def test_role_token_duration_is_passed(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--role", "deploy", "--duration", "900"], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    assert sts.last("AssumeRole")["params"].get("DurationSeconds") == "900"
    assert 840 < expires_in(check_json_output(cp.stdout)["expiration"]) <= 960


def test_role_token_signs_with_token_option(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--role", "deploy", "--token", "OPTIONTOKEN=="], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    req = sts.last("AssumeRole")
    assert auth_key_id(req) == ENV_KEY
    assert req["headers"].get("x-amz-security-token") == "OPTIONTOKEN=="


def test_role_token_signs_with_env_session_token(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--role", "deploy"], with_env_creds(env, token="ENVTOKEN=="), argv0=ROLE)
    assert_ok(cp)
    assert sts.last("AssumeRole")["headers"].get("x-amz-security-token") == "ENVTOKEN=="


def test_role_token_falls_back_to_cached_session(stsh, home, env, sts):
    entry = write_cache(home / "aws-creds", "work", dt.timedelta(hours=2))
    cp = run(stsh, ["--account", "work", "--role", "deploy"], env, argv0=ROLE)
    assert_ok(cp)
    req = sts.last("AssumeRole")
    assert auth_key_id(req) == entry["AccessKeyId"]
    assert req["headers"].get("x-amz-security-token") == entry["SessionToken"]


def test_role_token_falls_back_to_account_keys(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--role", "deploy"], env, argv0=ROLE)
    assert_ok(cp)
    req = sts.last("AssumeRole")
    assert auth_key_id(req) == LONG_LIVED_KEYS["work"][0]
    assert "x-amz-security-token" not in req["headers"]


def test_stsh_role_subcommand_matches_seed_name(stsh, env, sts):
    cp = run(stsh, ["role", "--account", "work", "--role", "deploy"], with_env_creds(env))
    assert_ok(cp)
    check_json_output(cp.stdout)
    assert sts.last("AssumeRole")["params"]["RoleArn"] == ACCOUNTS["work"] + "role/deploy"


def test_role_token_config_option(stsh, home, env, sts):
    other = home / "other-accounts.json"
    other.write_text(json.dumps({"work": "arn:aws:iam::111122223333:"}))
    cp = run(stsh, ["--account", "work", "--role", "deploy", "--config", str(other)], with_env_creds(env), argv0=ROLE)
    assert_ok(cp)
    assert sts.last("AssumeRole")["params"]["RoleArn"] == "arn:aws:iam::111122223333:role/deploy"


def test_accounts_file_from_environment(stsh, home, env, sts):
    other = home / "env-accounts.json"
    other.write_text(json.dumps({"work": "arn:aws:iam::444455556666:"}))
    e = dict(with_env_creds(env), STSH_ACCOUNTS_FILE=str(other))
    cp = run(stsh, ["--account", "work", "--role", "deploy"], e, argv0=ROLE)
    assert_ok(cp)
    assert sts.last("AssumeRole")["params"]["RoleArn"] == "arn:aws:iam::444455556666:role/deploy"


# --- region --------------------------------------------------------------------

@pytest.mark.parametrize(
    "extra_env,args,want",
    [
        ({}, [], "us-east-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, [], "eu-west-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "ap-south-1"}, [], "ap-south-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "ap-south-1"}, ["--region", "ca-central-1"], "ca-central-1"),
    ],
    ids=["default", "AWS_DEFAULT_REGION", "AWS_REGION", "--region"],
)
def test_region_precedence(stsh, env, sts, extra_env, args, want):
    cp = run(stsh, ["--account", "work", "--role", "deploy", *args], dict(with_env_creds(env), **extra_env), argv0=ROLE)
    assert_ok(cp)
    assert auth_region(sts.last("AssumeRole")) == want


# --- generate-sts-mfa-token ------------------------------------------------------

def test_mfa_token_json(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--token", "123456"], env, argv0=MFA)
    assert_ok(cp)
    data = check_json_output(cp.stdout)
    req = sts.last("GetSessionToken")
    assert req["params"]["SerialNumber"] == ACCOUNTS["work"] + "mfa/jbrowne"
    assert req["params"]["TokenCode"] == "123456"
    assert auth_key_id(req) == LONG_LIVED_KEYS["work"][0], "must sign with the account's keys"
    assert data["access_key"] != LONG_LIVED_KEYS["work"][0]


def test_mfa_token_user_and_mfa_options(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--user", "bob", "--token", "123456"], env, argv0=MFA)
    assert_ok(cp)
    assert sts.last("GetSessionToken")["params"]["SerialNumber"] == ACCOUNTS["work"] + "mfa/bob"

    serial = "arn:aws:iam::999988887777:mfa/hardware-key"
    cp = run(stsh, ["--account", "work", "--mfa", serial, "--token", "654321"], env, argv0=MFA)
    assert_ok(cp)
    assert sts.last("GetSessionToken")["params"]["SerialNumber"] == serial


def test_mfa_token_duration_is_passed(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--token", "123456", "--duration", "900"], env, argv0=MFA)
    assert_ok(cp)
    assert sts.last("GetSessionToken")["params"].get("DurationSeconds") == "900"
    assert 840 < expires_in(check_json_output(cp.stdout)["expiration"]) <= 960


def test_mfa_token_shell_output_evals_in_bash(stsh, env, sts):
    cp = run(stsh, ["--account", "work", "--token", "123456", "--shell", "--region", "eu-central-1"], env, argv0=MFA)
    assert_ok(cp)
    out = lines(cp.stdout)
    assert all(line.startswith("export ") for line in out), cp.stdout
    assert sorted(line.split("=", 1)[0][len("export "):] for line in out) == sorted(SHELL_VARS)
    ev = run_script("bash", f"{cp.stdout}\n{DUMP_ENV}", env)
    assert_ok(ev)
    e = parse_env_dump(ev.stdout)
    assert e["AWS_ACCESS_KEY_ID"] == e["AWS_ACCESS_KEY"] != LONG_LIVED_KEYS["work"][0]
    assert e["AWS_SECRET_ACCESS_KEY"] == e["AWS_SECRET_KEY"]
    assert e["AWS_SESSION_TOKEN"] == e["AWS_SECURITY_TOKEN"] == e["AWS_DELEGATION_TOKEN"]
    assert e["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert expires_in(e["AWS_TOKEN_EXPIRATION"]) > 600
    assert auth_region(sts.last("GetSessionToken")) == "eu-central-1"


def test_mfa_token_cachefiles_then_switch_uses_cache(stsh, home, env, sts):
    cp = run(stsh, ["--account", "work", "--token", "123456", "--cachefiles"], env, argv0=MFA)
    assert_ok(cp)
    path = cache_path(home / "aws-creds", "work")
    assert path.is_file() and not path.is_symlink()
    assert mode_of(path) == 0o600
    entry = read_cache(home / "aws-creds", "work")
    sw = run(stsh, ["switch", "work"], env)
    assert_ok(sw)
    assert lines(sw.stderr) == ["Cache is valid for account work", "Set keys for work-MFA-STS AWS account"]
    assert entry["SessionToken"] in sw.stdout


def test_mfa_token_falls_back_to_env_credentials(stsh, home, env, sts):
    for suffix in ("access_key", "secret_key"):
        os.unlink(home / "aws-creds" / f"personal.{suffix}")
    cp = run(stsh, ["--account", "personal", "--token", "123456"], with_env_creds(env), argv0=MFA)
    assert_ok(cp)
    check_json_output(cp.stdout)
    assert auth_key_id(sts.last("GetSessionToken")) == ENV_KEY


def test_stsh_session_token_subcommand_matches_seed_name(stsh, env, sts):
    cp = run(stsh, ["session-token", "--account", "work", "--token", "123456"], env)
    assert_ok(cp)
    check_json_output(cp.stdout)
    assert sts.last("GetSessionToken")["params"]["SerialNumber"] == ACCOUNTS["work"] + "mfa/jbrowne"


def test_mfa_token_json_does_not_touch_cache(stsh, home, env, sts):
    cp = run(stsh, ["--account", "work", "--token", "123456"], env, argv0=MFA)
    assert_ok(cp)
    assert not cache_path(home / "aws-creds", "work").exists()

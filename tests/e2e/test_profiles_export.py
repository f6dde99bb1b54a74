"""`stsh export PROFILE --format F`: every format, and quoting of hostile secrets."""

from __future__ import annotations

import json
import re

import pytest

from e2e_util import (
    assert_error,
    assert_ok,
    parse_time,
    profile_cache_entry,
    role_arn,
    run,
    write_base_profiles,
)
from motoserver import NASTY_SECRET
from shells import DUMP_ENV, have_shell, parse_env_dump, run_script

NASTY_KEY = "AKIANASTYEXAMPLE0001"
# ' " $ and spaces, plus what else breaks naive quoting. No newline (an INI value is one line)
# and no ; or # (whether they start an inline comment differs between SDKs).
NASTY_TOKEN = "tok en' \"x\" $PATH ${HOME} `id` $(id) | & * ? ~ ! % ^ \\ end"

NASTY_CREDENTIALS = f"""
    [nasty]
    aws_access_key_id = {NASTY_KEY}
    aws_secret_access_key = {NASTY_SECRET}
    aws_session_token = {NASTY_TOKEN}
    """
NASTY_CONFIG = """
    [profile nasty]
    region = eu-north-1
    """


@pytest.fixture
def nasty(home):
    write_base_profiles(home, NASTY_CONFIG, NASTY_CREDENTIALS)
    return home


def export(stsh, profile: str, fmt: str, env: dict) -> str:
    cp = run(stsh, ["export", profile, "--format", fmt], env)
    assert_ok(cp)
    assert cp.stderr == "", cp.stderr
    return cp.stdout


def check_nasty_env(e: dict) -> None:
    assert e["AWS_ACCESS_KEY_ID"] == e["AWS_ACCESS_KEY"] == NASTY_KEY
    assert e["AWS_SECRET_ACCESS_KEY"] == e["AWS_SECRET_KEY"] == NASTY_SECRET
    assert e["AWS_SESSION_TOKEN"] == e["AWS_SECURITY_TOKEN"] == NASTY_TOKEN
    assert e["AWS_REGION"] == e["AWS_DEFAULT_REGION"] == "eu-north-1"
    assert e["STSH_PROFILE"] == "nasty"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_formats_round_trip_hostile_secrets(shell, stsh, nasty, profile_env):
    if not have_shell(shell):
        pytest.skip(f"{shell} is not installed")
    code = export(stsh, "nasty", shell, profile_env)
    assert NASTY_TOKEN not in code, "the token must be quoted, not pasted raw"
    if shell == "fish":
        script = f"'{stsh}' export nasty --format fish | source\n{DUMP_ENV}"
    else:
        script = f"eval \"$('{stsh}' export nasty --format {shell})\"\n{DUMP_ENV}"
    cp = run_script(shell, script, dict(profile_env, AWS_CREDENTIAL_EXPIRATION="stale"))
    assert_ok(cp)
    e = parse_env_dump(cp.stdout)
    check_nasty_env(e)
    # A profile's own session token without an expiry: no stale expiration survives.
    assert "AWS_CREDENTIAL_EXPIRATION" not in e


def test_bash_format_of_a_role_session(stsh, home, profile_env):
    write_base_profiles(home)
    script = f"eval \"$('{stsh}' export role --format bash)\"\n{DUMP_ENV}"
    cp = run_script("bash", script, profile_env)
    assert_ok(cp)
    e = parse_env_dump(cp.stdout)
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert e["AWS_ACCESS_KEY_ID"] == entry["AccessKeyId"]
    assert e["AWS_SESSION_TOKEN"] == entry["SessionToken"]
    assert parse_time(e["AWS_CREDENTIAL_EXPIRATION"]) == parse_time(entry["Expiration"])
    assert e["AWS_REGION"] == "eu-west-1" and e["STSH_PROFILE"] == "role"


def test_env_format_is_name_equals_value_lines(stsh, nasty, profile_env):
    out = export(stsh, "nasty", "env", profile_env)
    pairs = {}
    for line in out.splitlines():
        assert re.match(r"^[A-Z_][A-Z0-9_]*=", line), f"not NAME=VALUE: {line!r}"
        name, value = line.split("=", 1)
        assert name not in pairs, f"{name} twice"
        pairs[name] = value
    check_nasty_env(pairs)


POWERSHELL_LINE = re.compile(
    r"^\$env:(?P<name>[A-Z_][A-Z0-9_]*) = '(?P<value>(?:[^']|'')*)'$"
    r"|^Remove-Item Env:(?P<gone>[A-Z_][A-Z0-9_]*) -ErrorAction SilentlyContinue$"
)


def test_powershell_format_lines_are_single_quoted_assignments(stsh, nasty, profile_env):
    out = export(stsh, "nasty", "powershell", profile_env)
    values = {}
    for line in out.splitlines():
        m = POWERSHELL_LINE.match(line)
        assert m, f"not a PowerShell assignment: {line!r}"
        if m["name"]:
            values[m["name"]] = m["value"].replace("''", "'")
    check_nasty_env(values)


def test_json_format_is_the_seed_shape(stsh, home, profile_env):
    write_base_profiles(home)
    out = export(stsh, "role", "json", profile_env)
    doc = json.loads(out)
    assert set(doc) == {"access_key", "expiration", "secret_key", "session_token"}, doc
    assert out == json.dumps(doc, indent=4, sort_keys=True) + "\n", "want 4-space indent, sorted keys"
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert (doc["access_key"], doc["secret_key"], doc["session_token"]) == (
        entry["AccessKeyId"], entry["SecretAccessKey"], entry["SessionToken"])
    assert parse_time(doc["expiration"]) == parse_time(entry["Expiration"])


def test_json_format_keeps_hostile_secret_intact(stsh, nasty, profile_env):
    doc = json.loads(export(stsh, "nasty", "json", profile_env))
    assert (doc["access_key"], doc["secret_key"], doc["session_token"]) == (NASTY_KEY, NASTY_SECRET, NASTY_TOKEN)


def test_credential_process_format_shape(stsh, home, nasty, profile_env):
    doc = json.loads(export(stsh, "role", "credential-process", profile_env))
    assert set(doc) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}, doc
    assert doc["Version"] == 1
    assert parse_time(doc["Expiration"]) > parse_time("2000-01-01T00:00:00Z")
    _, entry = profile_cache_entry(home, "role", role=role_arn("deploy"))
    assert doc["AccessKeyId"] == entry["AccessKeyId"] and doc["SessionToken"] == entry["SessionToken"]

    doc = json.loads(export(stsh, "nasty", "credential-process", profile_env))
    assert doc["Version"] == 1
    assert (doc["AccessKeyId"], doc["SecretAccessKey"], doc["SessionToken"]) == (NASTY_KEY, NASTY_SECRET, NASTY_TOKEN)

    # Long-lived keys: no token and no expiration (botocore then never refreshes them).
    doc = json.loads(export(stsh, "base", "credential-process", profile_env))
    assert set(doc) == {"Version", "AccessKeyId", "SecretAccessKey"}, doc


def test_unknown_format_is_a_usage_error(stsh, home, profile_env, sts):
    write_base_profiles(home)
    line = assert_error(run(stsh, ["export", "role", "--format", "yaml"], profile_env), 2)
    assert "yaml" in line
    assert sts.actions() == [], "input is checked before any STS call"

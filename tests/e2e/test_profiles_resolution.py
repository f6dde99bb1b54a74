"""Profile resolution against moto: chains, the chained-role clamp, external ids and session
names, cycles and missing profiles, credential_source and credential_process sources,
and `stsh config dump`."""

from __future__ import annotations

import json

import pytest

from e2e_util import (
    BASE_KEYS,
    MFA_SERIAL,
    assert_error,
    assert_ok,
    lines,
    parse_time,
    now_utc,
    profile_cache_entry,
    role_arn,
    run,
    write_base_profiles,
)
from motoserver import auth_key_id, auth_region


def export_cp(stsh, profile: str, env: dict) -> tuple[dict, object]:
    cp = run(stsh, ["export", profile, "--format", "credential-process"], env)
    assert_ok(cp)
    return json.loads(cp.stdout), cp


def assume_role_calls(sts) -> list[dict]:
    return [r for r in sts.requests if r["params"].get("Action") == "AssumeRole"]


# --- chaining --------------------------------------------------------------------------------

CHAIN_CONFIG = f"""
    [profile hop1]
    role_arn = {role_arn('hop1')}
    source_profile = base
    duration_seconds = 7200
    external_id = ext-one

    [profile chained]
    role_arn = {role_arn('chained')}
    source_profile = hop1
    duration_seconds = 7200
    external_id = ext-two
    role_session_name = chain-session

    [profile chained-default]
    role_arn = {role_arn('chained-default')}
    source_profile = hop1
    """

NOTICE = "stsh: notice: profile chained: duration_seconds 7200 lowered to 3600"


def test_chained_role_is_clamped_to_an_hour_with_one_notice(stsh, home, profile_env, sts):
    write_base_profiles(home, CHAIN_CONFIG)
    doc, cp = export_cp(stsh, "chained", profile_env)
    err = lines(cp.stderr)
    assert len(err) == 1 and err[0].startswith(NOTICE), cp.stderr

    first, second = assume_role_calls(sts)
    assert sts.actions() == ["AssumeRole", "AssumeRole"]
    assert first["params"]["RoleArn"] == role_arn("hop1")
    assert first["params"]["DurationSeconds"] == "7200", "the first hop is not chained: its 7200 s stand"
    assert first["params"]["ExternalId"] == "ext-one"
    assert first["params"]["RoleSessionName"] == "stsh-jbrowne"
    assert auth_key_id(first) == BASE_KEYS[0] and "x-amz-security-token" not in first["headers"]

    _, hop1 = profile_cache_entry(home, "role", role=role_arn("hop1"))
    assert second["params"]["RoleArn"] == role_arn("chained")
    assert second["params"]["DurationSeconds"] == "3600"
    assert second["params"]["ExternalId"] == "ext-two"
    assert second["params"]["RoleSessionName"] == "chain-session"
    assert auth_key_id(second) == hop1["AccessKeyId"]
    assert second["headers"]["x-amz-security-token"] == hop1["SessionToken"]
    left = (parse_time(doc["Expiration"]) - now_utc()).total_seconds()
    assert 3500 < left <= 3600, left

    # Cached: no call, so no notice either; hop1 alone reuses the chain's first hop.
    sts.clear()
    for profile in ("chained", "hop1"):
        _, cp = export_cp(stsh, profile, profile_env)
        assert cp.stderr == "", cp.stderr
    assert sts.actions() == []


def test_chained_role_without_duration_gets_no_notice(stsh, home, profile_env, sts):
    write_base_profiles(home, CHAIN_CONFIG)
    _, cp = export_cp(stsh, "chained-default", profile_env)
    assert cp.stderr == ""
    durations = [r["params"].get("DurationSeconds") for r in assume_role_calls(sts)]
    assert durations == ["7200", "3600"], durations


def test_role_after_mfa_session_is_not_a_chain(stsh, home, profile_env, sts):
    write_base_profiles(home, f"""
        [profile long-mfa]
        role_arn = {role_arn('long')}
        source_profile = base
        mfa_serial = {MFA_SERIAL}
        duration_seconds = 7200
        """)
    cp = run(stsh, ["mfa", "long-mfa", "123456"], profile_env)
    assert_ok(cp)
    assert "notice" not in cp.stderr, cp.stderr
    assert sts.actions() == ["GetSessionToken", "AssumeRole"]
    assert sts.last("AssumeRole")["params"]["DurationSeconds"] == "7200"


def test_chain_of_any_depth(stsh, home, profile_env, sts):
    config = "".join(
        f"[profile d{i}]\nrole_arn = {role_arn(f'depth{i}')}\nsource_profile = {'base' if i == 1 else f'd{i - 1}'}\n\n"
        for i in range(1, 6)
    )
    write_base_profiles(home, config)
    doc, _ = export_cp(stsh, "d5", profile_env)
    calls = assume_role_calls(sts)
    assert [c["params"]["RoleArn"] for c in calls] == [role_arn(f"depth{i}") for i in range(1, 6)]
    assert auth_key_id(calls[0]) == BASE_KEYS[0]
    for i in range(1, 5):
        _, entry = profile_cache_entry(home, "role", role=role_arn(f"depth{i}"))
        assert auth_key_id(calls[i]) == entry["AccessKeyId"], f"hop {i + 1} not signed by hop {i}"
    _, last = profile_cache_entry(home, "role", role=role_arn("depth5"))
    assert doc["AccessKeyId"] == last["AccessKeyId"]


def test_source_profile_naming_itself_uses_its_own_keys(stsh, home, profile_env, sts):
    write_base_profiles(
        home,
        f"""
        [profile selfish]
        role_arn = {role_arn('selfish')}
        source_profile = selfish
        """,
        """
        [selfish]
        aws_access_key_id = AKIASELFEXAMPLE00001
        aws_secret_access_key = selfSecretEXAMPLE
        """,
    )
    export_cp(stsh, "selfish", profile_env)
    assert sts.actions() == ["AssumeRole"]
    assert auth_key_id(sts.last("AssumeRole")) == "AKIASELFEXAMPLE00001"


# --- errors ----------------------------------------------------------------------------------

ERROR_CONFIG = f"""
    [profile cyc-a]
    role_arn = {role_arn('a')}
    source_profile = cyc-b

    [profile cyc-b]
    role_arn = {role_arn('b')}
    source_profile = cyc-a

    [profile tri-1]
    role_arn = {role_arn('t1')}
    source_profile = tri-2

    [profile tri-2]
    role_arn = {role_arn('t2')}
    source_profile = tri-3

    [profile tri-3]
    role_arn = {role_arn('t3')}
    source_profile = tri-1

    [profile orphan]
    role_arn = {role_arn('orphan')}
    source_profile = ghost
    """


@pytest.mark.parametrize("profile,cycle", [
    ("cyc-a", "cyc-a -> cyc-b -> cyc-a"),
    ("tri-2", "tri-2 -> tri-3 -> tri-1 -> tri-2"),
])
@pytest.mark.parametrize("command", ["export", "exec"])
def test_cycle_is_a_config_error_naming_the_cycle(command, profile, cycle, stsh, home, profile_env, sts):
    write_base_profiles(home, ERROR_CONFIG)
    args = ["export", profile] if command == "export" else ["exec", profile, "--", "true"]
    line = assert_error(run(stsh, args, profile_env), 3)
    assert cycle in line, line
    assert sts.actions() == []


def test_missing_source_profile_is_a_config_error(stsh, home, profile_env, sts):
    write_base_profiles(home, ERROR_CONFIG)
    line = assert_error(run(stsh, ["export", "orphan"], profile_env), 3)
    assert "ghost" in line and "orphan" in line, line
    assert sts.actions() == []


@pytest.mark.parametrize("command", [["export"], ["exec"], ["switch"], ["mfa"], ["clear"]])
def test_unknown_profile_is_a_config_error(command, stsh, home, profile_env, sts):
    write_base_profiles(home)
    cp = run(stsh, [*command, "nosuch"], profile_env)
    assert cp.returncode == 3, f"exit {cp.returncode}:\n{cp.stderr}"
    errors = [line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]
    assert len(errors) == 1 and "nosuch" in errors[0], cp.stderr
    assert cp.stdout == ""
    assert sts.actions() == []


ENV_SOURCE_CONFIG = f"""
    [profile from-env]
    role_arn = {role_arn('from-env')}
    credential_source = Environment
    """


def test_credential_source_environment(stsh, home, profile_env, sts):
    write_base_profiles(home, ENV_SOURCE_CONFIG)
    env = dict(profile_env, AWS_ACCESS_KEY_ID="AKIAENVEXAMPLE000001", AWS_SECRET_ACCESS_KEY="envSecretEXAMPLE")
    doc, _ = export_cp(stsh, "from-env", env)
    call = sts.last("AssumeRole")
    assert call["params"]["RoleArn"] == role_arn("from-env")
    assert auth_key_id(call) == "AKIAENVEXAMPLE000001"
    assert doc["AccessKeyId"] != "AKIAENVEXAMPLE000001" and doc["SessionToken"]


def test_credential_source_environment_without_keys_is_a_config_error(stsh, home, profile_env, sts):
    write_base_profiles(home, ENV_SOURCE_CONFIG)
    line = assert_error(run(stsh, ["export", "from-env"], profile_env), 3)
    assert "AWS_ACCESS_KEY_ID" in line, line
    assert sts.actions() == []


def process_world(home, body: str):
    script = home / "creds-process"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    write_base_profiles(home, f"""
        [profile proc]
        credential_process = {script} --flag "quoted arg"

        [profile via-proc]
        role_arn = {role_arn('via-proc')}
        source_profile = proc
        """)


PROC_JSON = '{"Version": 1, "AccessKeyId": "AKIAPROCEXAMPLE00001", "SecretAccessKey": "procSecretEXAMPLE"}'


def test_credential_process_as_source_feeds_assume_role(stsh, home, profile_env, sts):
    process_world(home, f"[ \"$2\" = 'quoted arg' ] || exit 9\necho '{PROC_JSON}'\n")
    doc, _ = export_cp(stsh, "proc", profile_env)
    assert (doc["AccessKeyId"], doc["SecretAccessKey"]) == ("AKIAPROCEXAMPLE00001", "procSecretEXAMPLE")
    assert sts.actions() == []

    doc, _ = export_cp(stsh, "via-proc", profile_env)
    call = sts.last("AssumeRole")
    assert call["params"]["RoleArn"] == role_arn("via-proc")
    assert auth_key_id(call) == "AKIAPROCEXAMPLE00001"
    assert doc["SessionToken"]


@pytest.mark.parametrize("body", ["echo 'not json'\n", "exit 1\n"], ids=["bad-output", "fails"])
def test_failing_credential_process_is_an_error_naming_the_profile(body, stsh, home, profile_env, sts):
    process_world(home, body)
    cp = run(stsh, ["export", "via-proc"], profile_env)
    assert cp.returncode != 0 and cp.stdout == ""
    errors = [line for line in lines(cp.stderr) if line.startswith("stsh: error: ")]
    assert len(errors) == 1 and "proc" in errors[0], cp.stderr
    assert sts.actions() == []


# --- config dump -----------------------------------------------------------------------------

def config_dump_or_skip(stsh, env, *extra) -> str:
    probe = run(stsh, ["config", "--help"], env)
    if probe.returncode != 0 or "dump" not in probe.stdout + probe.stderr:
        pytest.skip(f"stsh config dump is not available yet: {probe.stderr.strip()}")
    cp = run(stsh, ["config", "dump", *extra], env)
    assert_ok(cp)
    return cp.stdout


DUMP_CREDENTIALS = """
    [tokened]
    aws_access_key_id = AKIATOKENEXAMPLE0001
    aws_secret_access_key = tokenedSecretEXAMPLE
    aws_session_token = tokenedTokenEXAMPLE
    """


def test_config_dump_redacts_secrets(stsh, home, profile_env):
    write_base_profiles(home, CHAIN_CONFIG, DUMP_CREDENTIALS)
    out = config_dump_or_skip(stsh, profile_env)
    for secret in (BASE_KEYS[1], "tokenedSecretEXAMPLE", "tokenedTokenEXAMPLE"):
        assert secret not in out
    assert BASE_KEYS[0] in out and "<redacted>" in out
    assert role_arn("chained") in out and "external_id = ext-two" in out


def test_config_dump_json_merges_both_files(stsh, home, profile_env):
    write_base_profiles(home, CHAIN_CONFIG, DUMP_CREDENTIALS)
    doc = json.loads(config_dump_or_skip(stsh, profile_env, "--json"))
    assert set(doc) >= {"profiles", "sso_sessions"}, doc.keys()
    profiles = doc["profiles"]
    assert {"base", "role", "mfa-role", "hop1", "chained", "tokened"} <= set(profiles)
    # [base] from ~/.aws/credentials merged with [profile base] from ~/.aws/config.
    assert profiles["base"]["aws_access_key_id"] == BASE_KEYS[0]
    assert profiles["base"]["aws_secret_access_key"] == "<redacted>"
    assert profiles["base"]["region"] == "us-west-2"
    assert profiles["tokened"]["aws_session_token"] == "<redacted>"
    assert profiles["chained"]["role_session_name"] == "chain-session"
    text = json.dumps(doc)
    assert BASE_KEYS[1] not in text and "tokenedTokenEXAMPLE" not in text


# --- cache keys ------------------------------------------------------------------------------

def test_cache_keys_separate_external_id_session_name_and_duration(stsh, home, profile_env, sts):
    """Same role and source, different parameters: each gets its own AssumeRole and entry."""
    variants = {
        "plain": "",
        "ext-x": "external_id = x\n",
        "ext-y": "external_id = y\n",
        "named": "role_session_name = other-name\n",
        "longer": "duration_seconds = 7200\n",
    }
    write_base_profiles(home, "".join(
        f"[profile {name}]\nrole_arn = {role_arn('shared')}\nsource_profile = base\n{extra}\n"
        for name, extra in variants.items()
    ))
    keys = {name: export_cp(stsh, name, profile_env)[0]["AccessKeyId"] for name in variants}
    assert len(set(keys.values())) == len(variants), keys
    calls = assume_role_calls(sts)
    assert len(calls) == len(variants)
    sent = {(c["params"].get("ExternalId"), c["params"]["RoleSessionName"], c["params"].get("DurationSeconds"))
            for c in calls}
    assert sent == {
        (None, "stsh-jbrowne", "3600"), ("x", "stsh-jbrowne", "3600"), ("y", "stsh-jbrowne", "3600"),
        (None, "other-name", "3600"), (None, "stsh-jbrowne", "7200"),
    }, sent
    # And each is then served from its own entry.
    sts.clear()
    again = {name: export_cp(stsh, name, profile_env)[0]["AccessKeyId"] for name in variants}
    assert again == keys
    assert sts.actions() == []


def test_credential_source_environment_passes_the_session_token(stsh, home, profile_env, sts):
    write_base_profiles(home, ENV_SOURCE_CONFIG)
    env = dict(profile_env, AWS_ACCESS_KEY_ID="ASIAENVEXAMPLE000001", AWS_SECRET_ACCESS_KEY="envSecretEXAMPLE",
               AWS_SESSION_TOKEN="envSessionTokenEXAMPLE")
    export_cp(stsh, "from-env", env)
    call = sts.last("AssumeRole")
    assert auth_key_id(call) == "ASIAENVEXAMPLE000001"
    assert call["headers"].get("x-amz-security-token") == "envSessionTokenEXAMPLE"


def test_role_call_is_signed_for_the_profile_region(stsh, home, profile_env, sts):
    write_base_profiles(home)
    export_cp(stsh, "role", profile_env)
    assert auth_region(sts.last("AssumeRole")) == "eu-west-1"

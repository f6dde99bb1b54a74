"""MFA at most once per source identity; seed accounts used as profiles."""

from __future__ import annotations

import datetime as dt
import json

import pexpect
import pytest

from e2e_util import (
    BASE_KEYS,
    MFA_PROMPT,
    MFA_SERIAL,
    MOTO_SESSION_KEY_ID,
    assert_error,
    assert_ok,
    cache_path,
    profile_cache_dir,
    profile_cache_entries,
    profile_cache_entry,
    read_cache,
    role_arn,
    run,
    write_base_profiles,
    write_cache,
)
from motoserver import ACCOUNTS, LONG_LIVED_KEYS, auth_key_id, closed_port
from shells import DUMP_ENV, init_line, parse_env_dump, run_script


def spawn_stsh(stsh, args: list[str], env: dict) -> pexpect.spawn:
    """stsh in a pseudo-terminal (its controlling terminal, so /dev/tty works)."""
    return pexpect.spawn(str(stsh), args, env=env, encoding="utf-8", codec_errors="replace", timeout=20)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0, f"exit {child.exitstatus} / signal {child.signalstatus}:\n{out}"
    return out


def export_in_pty(stsh, profile: str, env: dict, answer: tuple[str, str] | None) -> tuple[dict, str]:
    """`stsh export PROFILE --format credential-process` in a pty; answers one prompt if given."""
    child = spawn_stsh(stsh, ["export", profile, "--format", "credential-process"], env)
    transcript = ""
    try:
        if answer:
            child.expect_exact(answer[0])
            transcript += child.before + child.after
            child.sendline(answer[1])
        out = finish(child)
    finally:
        child.close(force=True)
    transcript += out
    doc = json.loads(out[out.index("{"):out.rindex("}") + 1])
    return doc, transcript


SHARED_SOURCE_CONFIGS = {
    # mfa_serial on each role profile (the same device), or once on the source.
    "mfa-on-roles": f"""
        [profile ops]
        role_arn = {role_arn('ops')}
        source_profile = base
        mfa_serial = {MFA_SERIAL}

        [profile audit]
        role_arn = {role_arn('audit')}
        source_profile = base
        mfa_serial = {MFA_SERIAL}
        """,
    "mfa-on-source": f"""
        [profile ops]
        role_arn = {role_arn('ops')}
        source_profile = base

        [profile audit]
        role_arn = {role_arn('audit')}
        source_profile = base
        """,
}


@pytest.mark.parametrize("layout", sorted(SHARED_SOURCE_CONFIGS))
def test_mfa_once_per_source_identity(layout, stsh, home, profile_env, sts):
    write_base_profiles(home, SHARED_SOURCE_CONFIGS[layout])
    if layout == "mfa-on-source":
        config = home / ".aws" / "config"
        config.write_text(config.read_text().replace("[profile base]\n", f"[profile base]\nmfa_serial = {MFA_SERIAL}\n"))

    first, transcript1 = export_in_pty(stsh, "ops", profile_env, (MFA_PROMPT, "123456"))
    second, transcript2 = export_in_pty(stsh, "audit", profile_env, None)
    assert "Enter MFA code" not in transcript2, transcript2
    assert transcript1.count("Enter MFA code") == 1, transcript1

    assert sorted(sts.actions()) == ["AssumeRole", "AssumeRole", "GetSessionToken"], sts.actions()
    gst = sts.last("GetSessionToken")
    assert auth_key_id(gst) == BASE_KEYS[0]
    assert (gst["params"]["SerialNumber"], gst["params"]["TokenCode"]) == (MFA_SERIAL, "123456")
    roles = [r for r in sts.requests if r["params"].get("Action") == "AssumeRole"]
    assert [r["params"]["RoleArn"] for r in roles] == [role_arn("ops"), role_arn("audit")]
    for r in roles:
        # Both roles are assumed with the one MFA session, not with the base keys.
        assert auth_key_id(r) == MOTO_SESSION_KEY_ID, r["headers"]
        assert r["headers"].get("x-amz-security-token"), "AssumeRole without the session token"
        assert "TokenCode" not in r["params"], "the MFA code was already spent on GetSessionToken"
    assert first["AccessKeyId"] != second["AccessKeyId"]

    # The session is cached in $XDG_CACHE_HOME/stsh, once, for the base identity.
    path, session = profile_cache_entry(home, "session", source=BASE_KEYS[0], mfa=MFA_SERIAL)
    assert path.parent == profile_cache_dir(home)
    assert session["AccessKeyId"] == MOTO_SESSION_KEY_ID
    assert len([e for e in profile_cache_entries(home).values() if e["key"]["kind"] == "session"]) == 1


def test_mfa_command_then_other_roles_need_no_code(stsh, home, profile_env, sts):
    write_base_profiles(home, SHARED_SOURCE_CONFIGS["mfa-on-roles"])
    cp = run(stsh, ["mfa", "ops", "123456"], profile_env)
    assert_ok(cp)
    assert "AWS_SESSION_TOKEN=" in cp.stdout  # shell code, as `switch` prints
    sts.clear()
    cp = run(stsh, ["export", "audit", "--format", "credential-process"], profile_env)  # no terminal
    assert_ok(cp)
    assert sts.actions() == ["AssumeRole"]
    assert auth_key_id(sts.last("AssumeRole")) == MOTO_SESSION_KEY_ID


# --- seed accounts (~/aws-creds) as profiles -------------------------------------------------

SEED_PROMPT = "Enter token for user jbrowne: "


def test_seed_account_uses_valid_ec2mfa_cache_without_network(stsh, home, creds, profile_env):
    entry = write_cache(creds, "work", dt.timedelta(hours=8))
    env = dict(profile_env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{closed_port()}",
               AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{closed_port()}")
    cp = run(stsh, ["export", "work", "--format", "credential-process"], env)
    assert_ok(cp)
    doc = json.loads(cp.stdout)
    assert doc == {"Version": 1, "AccessKeyId": entry["AccessKeyId"], "SecretAccessKey": entry["SecretAccessKey"],
                   "SessionToken": entry["SessionToken"], "Expiration": entry["Expiration"]}


@pytest.mark.parametrize("cache", ["absent", "expired"])
def test_seed_account_prompts_for_token_when_cache_is_not_valid(cache, stsh, home, creds, profile_env, sts):
    if cache == "expired":
        write_cache(creds, "work", dt.timedelta(hours=-1))
    doc, transcript = export_in_pty(stsh, "work", profile_env, (SEED_PROMPT, "123456"))
    assert sts.actions() == ["GetSessionToken"]
    gst = sts.last("GetSessionToken")
    assert auth_key_id(gst) == LONG_LIVED_KEYS["work"][0]
    assert gst["params"]["SerialNumber"] == ACCOUNTS["work"] + "mfa/jbrowne"
    assert gst["params"]["TokenCode"] == "123456"
    # The seed's cache file is the one filled, and it is what export printed.
    stored = read_cache(creds, "work")
    assert doc["AccessKeyId"] == stored["AccessKeyId"] == MOTO_SESSION_KEY_ID
    assert doc["SessionToken"] == stored["SessionToken"]
    assert LONG_LIVED_KEYS["work"][1] not in transcript


def test_seed_account_without_terminal_names_stsh_mfa(stsh, home, creds, profile_env, sts):
    cp = run(stsh, ["export", "work", "--format", "credential-process"], profile_env)
    line = assert_error(cp, 7)
    assert "stsh mfa work" in line, line
    assert sts.actions() == []
    assert not cache_path(creds, "work").exists()


# --- stsh mfa PROFILE ------------------------------------------------------------------------

def test_ec2mfa_with_config_profile_switches_bash(stsh, home, profile_env, sts):
    write_base_profiles(home)
    cp = run_script("bash", "\n".join([init_line("bash"), "ec2mfa mfa-role 123456", DUMP_ENV]), profile_env)
    assert_ok(cp)
    e = parse_env_dump(cp.stdout)
    _, entry = profile_cache_entry(home, "role", role=role_arn("admin"))
    assert e["AWS_ACCESS_KEY_ID"] == entry["AccessKeyId"]
    assert e["AWS_SESSION_TOKEN"] == entry["SessionToken"]
    assert e["STSH_ACCOUNT"] == "mfa-role"
    assert sts.actions() == ["GetSessionToken", "AssumeRole"]

    # Again: the MFA session is reused, no code is needed, nothing is sent.
    sts.clear()
    cp = run(stsh, ["mfa", "mfa-role"], profile_env)
    assert_ok(cp)
    assert entry["SessionToken"] in cp.stdout
    assert sts.actions() == []


def test_mfa_command_without_code_or_terminal_exits_7(stsh, home, profile_env, sts):
    write_base_profiles(home)
    cp = run(stsh, ["mfa", "mfa-role"], profile_env)
    assert cp.returncode == 7, cp.stderr
    errors = [line for line in cp.stderr.splitlines() if line.startswith("stsh: error: ")]
    assert len(errors) == 1 and "terminal" in errors[0], cp.stderr
    assert cp.stdout == "" and sts.actions() == []


def test_mfa_prompt_goes_to_the_terminal_only(stsh, home, profile_env, sts):
    write_base_profiles(home)
    out, err = home / "stdout", home / "stderr"
    child = pexpect.spawn("sh", ["-c", f"'{stsh}' export mfa-role --format credential-process >'{out}' 2>'{err}'"],
                          env=profile_env, encoding="utf-8", codec_errors="replace", timeout=20)
    try:
        child.expect_exact(MFA_PROMPT)
        child.sendline("123456")
        finish(child)
    finally:
        child.close(force=True)
    assert "Enter MFA code" not in out.read_text() + err.read_text()
    assert err.read_text() == ""
    assert json.loads(out.read_text())["Version"] == 1


def test_mfa_goes_on_assume_role_when_the_source_already_has_a_session(stsh, home, profile_env, sts):
    write_base_profiles(
        home,
        f"""
        [profile token-role]
        role_arn = {role_arn('token-role')}
        source_profile = tokened
        mfa_serial = {MFA_SERIAL}
        """,
        """
        [tokened]
        aws_access_key_id = ASIATOKENEXAMPLE0001
        aws_secret_access_key = tokenedSecretEXAMPLE
        aws_session_token = tokenedTokenEXAMPLE
        """,
    )
    _, transcript = export_in_pty(stsh, "token-role", profile_env, (MFA_PROMPT, "654321"))
    assert transcript.count("Enter MFA code") == 1
    assert sts.actions() == ["AssumeRole"]
    call = sts.last("AssumeRole")
    assert (call["params"]["SerialNumber"], call["params"]["TokenCode"]) == (MFA_SERIAL, "654321")
    assert auth_key_id(call) == "ASIATOKENEXAMPLE0001"
    assert call["headers"]["x-amz-security-token"] == "tokenedTokenEXAMPLE"


def test_seed_account_with_exec(stsh, home, creds, profile_env):
    entry = write_cache(creds, "work", dt.timedelta(hours=8))
    env = dict(profile_env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{closed_port()}",
               AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{closed_port()}")
    cp = run(stsh, ["exec", "work", "--", "sh", "-c", 'echo "$AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN $STSH_PROFILE"'],
             env)
    assert_ok(cp)
    assert cp.stdout.split() == [entry["AccessKeyId"], entry["SessionToken"], "work"]


def test_concurrent_roles_sharing_a_source_prompt_once(stsh, home, profile_env, sts):
    """While one process waits for the MFA code, another role of the same source waits for its session."""
    write_base_profiles(home, SHARED_SOURCE_CONFIGS["mfa-on-roles"])
    first = spawn_stsh(stsh, ["export", "ops", "--format", "credential-process"], profile_env)
    second = None
    try:
        first.expect_exact(MFA_PROMPT)
        second = spawn_stsh(stsh, ["export", "audit", "--format", "credential-process"], profile_env)
        assert second.expect_exact([MFA_PROMPT, pexpect.TIMEOUT, pexpect.EOF], timeout=1.5) == 1, \
            f"the second process did not wait for the first one's MFA session:\n{second.before}"
        first.sendline("123456")
        out1, out2 = finish(first), finish(second)
    finally:
        first.close(force=True)
        if second is not None:
            second.close(force=True)
    assert "Enter MFA code" not in out2, out2
    assert sorted(sts.actions()) == ["AssumeRole", "AssumeRole", "GetSessionToken"], sts.actions()
    assert json.loads(out1[out1.index("{"):])["Version"] == json.loads(out2[out2.index("{"):])["Version"] == 1

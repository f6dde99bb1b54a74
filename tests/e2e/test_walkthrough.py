"""The seed README's walkthrough, in real shells, plus the non-function forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from e2e_util import (
    assert_long_lived_env,
    assert_ok,
    assert_session_env,
    cache_path,
    lines,
    now_utc,
    parse_time,
    read_cache,
    run,
    write_cache,
)
from motoserver import ACCOUNTS, LONG_LIVED_KEYS
from shells import DUMP_ENV, ShellSession, have_shell, init_line, parse_env_dump, run_script

PROMPT = "Enter token for user jbrowne: "
SESSION_LINE = re.compile(r"^Session expires in (\d+)h (\d+)m\b")


def need(shell: str) -> None:
    if not have_shell(shell):
        pytest.skip(f"{shell} is not installed")


def prompt_and_rest(out: list[str], prompt: str = PROMPT) -> list[str]:
    """Checks the first line is the MFA prompt (with or without the echoed code)."""
    assert out and out[0].startswith(prompt.rstrip()), f"no MFA prompt first: {out}"
    rest = out[0][len(prompt.rstrip()):].strip()
    assert rest in ("", "281823", "123456"), f"unexpected text after the prompt: {out[0]!r}"
    return out[1:]


def check_default_mfa_request(sts, name: str, code: str, user: str = "jbrowne") -> None:
    req = sts.last("GetSessionToken")
    params = req["params"]
    assert params.get("SerialNumber") == ACCOUNTS[name] + "mfa/" + user
    assert params.get("TokenCode") == code
    # 12 hours, sent explicitly or left to the STS default.
    assert params.get("DurationSeconds", "43200") == "43200"
    from motoserver import auth_key_id

    assert auth_key_id(req) == LONG_LIVED_KEYS[name][0], "GetSessionToken not signed with the account's keys"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_readme_walkthrough_in_interactive_shell(shell, stsh, home, env, sts):
    need(shell)
    sh = ShellSession(shell, env, cwd=str(home))
    try:
        assert sh.run(init_line(shell)) == []
        # fish 3 resets $USER to the uid's login name; stsh follows whatever $USER is.
        user = sh.env()["USER"]
        prompt = f"Enter token for user {user}: "

        # 1. No keys yet.
        assert sh.run("ec2now") == ["No keys set"]
        # 2. Accounts, sorted.
        assert sh.run("ec2switch") == ["Possible accounts: personal work"]
        # 3. No cache file yet.
        assert sh.run("ec2switch personal") == [
            "Cache not present for account personal",
            "Set keys for personal AWS account",
        ]
        # 4.
        assert sh.run("ec2now") == ["Keys set for personal AWS account", "Region is us-east-1"]
        e = sh.env()
        assert_long_lived_env(e, "personal", *LONG_LIVED_KEYS["personal"])
        # 5. MFA, code typed at the prompt on the terminal.
        out = sh.run("ec2mfa", respond=[(prompt, "281823")])
        assert prompt_and_rest(out, prompt) == [
            "Cache is valid for account personal",
            "Set keys for personal-MFA-STS AWS account",
        ]
        check_default_mfa_request(sts, "personal", "281823", user)
        # 6.
        out = sh.run("ec2now")
        assert len(out) == 3, out
        assert out[0] == "Keys set for personal-MFA-STS AWS account"
        m = SESSION_LINE.match(out[1])
        assert m, f"no session-time line: {out[1]!r}"
        assert (int(m.group(1)), int(m.group(2))) in ((11, 59), (11, 58), (12, 0)), out[1]
        assert out[2] == "Region is us-east-1"
        # 7. Another account: no cache, long-lived keys, session variables gone.
        assert sh.run("ec2switch work") == [
            "Cache not present for account work",
            "Set keys for work AWS account",
        ]
        assert_long_lived_env(sh.env(), "work", *LONG_LIVED_KEYS["work"])
        # 8. Back to personal: the cached MFA session.
        assert sh.run("ec2switch personal") == [
            "Cache is valid for account personal",
            "Set keys for personal-MFA-STS AWS account",
        ]
        cache = read_cache(home / "aws-creds", "personal")
        assert cache["AccessKeyId"] != LONG_LIVED_KEYS["personal"][0]
        exp = parse_time(cache["Expiration"])
        assert abs((exp - now_utc() - dt.timedelta(hours=12)).total_seconds()) < 120, cache["Expiration"]
        assert_session_env(sh.env(), "personal", cache)
        # The only network call in the whole walkthrough is the MFA step's.
        assert sts.actions() == ["GetSessionToken"]
    finally:
        sh.close()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_ec2mfa_with_code_argument(shell, stsh, home, env, sts):
    need(shell)
    script = "\n".join([init_line(shell), "ec2switch work", "ec2mfa 123456", DUMP_ENV])
    cp = run_script(shell, script, env)
    assert_ok(cp)
    assert lines(cp.stderr) == [
        "Cache not present for account work",
        "Set keys for work AWS account",
        "Cache is valid for account work",
        "Set keys for work-MFA-STS AWS account",
    ], cp.stderr
    e = parse_env_dump(cp.stdout)
    check_default_mfa_request(sts, "work", "123456", e["USER"])  # fish resets $USER
    assert_session_env(e, "work", read_cache(home / "aws-creds", "work"))


def test_eval_switch_without_shell_functions(stsh, home, env, sts):
    cp = run_script("bash", f'eval "$(stsh switch work)"\n{DUMP_ENV}', env)
    assert_ok(cp)
    assert lines(cp.stderr) == ["Cache not present for account work", "Set keys for work AWS account"]
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", *LONG_LIVED_KEYS["work"])
    assert sts.actions() == []


def test_switch_prints_shell_code_only_on_stdout(stsh, home, env):
    cp = run(stsh, ["switch", "work"], env)
    assert_ok(cp)
    assert "Set keys for" not in cp.stdout and "Cache" not in cp.stdout
    assert LONG_LIVED_KEYS["work"][0] in cp.stdout
    assert lines(cp.stderr) == ["Cache not present for account work", "Set keys for work AWS account"]


def test_eval_mfa_without_shell_functions(stsh, home, env, sts):
    cp = run_script("bash", f'eval "$(stsh mfa work --token-code 123456)"\n{DUMP_ENV}', env)
    assert_ok(cp)
    assert lines(cp.stderr)[-2:] == ["Cache is valid for account work", "Set keys for work-MFA-STS AWS account"]
    check_default_mfa_request(sts, "work", "123456")
    assert_session_env(parse_env_dump(cp.stdout), "work", read_cache(home / "aws-creds", "work"))


def test_mfa_without_name_uses_my_aws_set_for(stsh, home, env, sts):
    """ec2mfa with no argument acts on the current account (MY_AWS_SET_FOR when no STSH_ACCOUNT)."""
    key, secret = LONG_LIVED_KEYS["work"]
    e = dict(env, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, MY_AWS_SET_FOR="work")
    cp = run(stsh, ["mfa", "--token-code", "123456"], e)
    assert_ok(cp)
    check_default_mfa_request(sts, "work", "123456")
    assert cache_path(home / "aws-creds", "work").exists()


def test_mfa_without_keys_says_no_keys_set(stsh, home, env, sts):
    cp = run_script("bash", f"{init_line('bash')}\nec2mfa 123456", env)
    assert "No keys set" in lines(cp.stderr), cp.stderr
    assert sts.actions() == []
    assert not cache_path(home / "aws-creds", "work").exists()


def test_mfa_when_cached_says_already_cached(stsh, home, env, sts):
    entry = write_cache(home / "aws-creds", "work", dt.timedelta(hours=6))
    script = "\n".join([init_line("bash"), "ec2switch work >/dev/null 2>&1", "ec2mfa", DUMP_ENV])
    cp = run_script("bash", script, env)
    assert_ok(cp)
    assert "MFA STS token already cached" in lines(cp.stderr), cp.stderr
    assert sts.actions() == []
    assert_session_env(parse_env_dump(cp.stdout), "work", entry)


def test_mfa_duration_option_and_environment(stsh, home, env, sts):
    cp = run(stsh, ["mfa", "work", "--token-code", "123456", "--duration", "900"], env)
    assert_ok(cp)
    assert sts.last("GetSessionToken")["params"].get("DurationSeconds") == "900"
    exp = parse_time(read_cache(home / "aws-creds", "work")["Expiration"])
    assert abs((exp - now_utc()).total_seconds() - 900) < 60

    cp = run(stsh, ["mfa", "personal", "--token-code", "123456"], dict(env, STSH_MFA_DURATION="1800"))
    assert_ok(cp)
    assert sts.last("GetSessionToken")["params"].get("DurationSeconds") == "1800"


def test_user_file_names_the_iam_user(stsh, home, env, sts):
    (home / "aws-creds" / "work.user").write_text("alice\n")
    sh = ShellSession("bash", env, cwd=str(home))
    try:
        sh.run(init_line("bash"))
        sh.run("ec2switch work")
        out = sh.run("ec2mfa", respond=[("Enter token for user alice: ", "123456")])
        assert prompt_and_rest(out, "Enter token for user alice: ")[-1] == "Set keys for work-MFA-STS AWS account"
    finally:
        sh.close()
    assert sts.last("GetSessionToken")["params"].get("SerialNumber") == ACCOUNTS["work"] + "mfa/alice"


def test_account_names_are_case_insensitive(stsh, home, env):
    cp = run_script("bash", f'eval "$(stsh switch WoRk)"\n{DUMP_ENV}', env)
    assert_ok(cp)
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", *LONG_LIVED_KEYS["work"])


def test_existing_region_is_kept(stsh, home, env):
    e = dict(env, AWS_DEFAULT_REGION="eu-west-1")
    script = "\n".join([init_line("bash"), "ec2switch work", "ec2now", DUMP_ENV])
    cp = run_script("bash", script, e)
    assert_ok(cp)
    assert lines(cp.stderr)[-2:] == ["Keys set for work AWS account", "Region is eu-west-1"]
    assert parse_env_dump(cp.stdout)["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_ec2now_reports_expired_session(stsh, home, env):
    write_cache(home / "aws-creds", "work", dt.timedelta(hours=1))
    script = "\n".join([init_line("bash"), "ec2switch work >/dev/null 2>&1",
                        "export STSH_EXPIRATION=2020-01-01T00:00:00Z", "ec2now"])
    cp = run_script("bash", script, env)
    assert_ok(cp)
    out = lines(cp.stderr)
    assert out[0] == "Keys set for work-MFA-STS AWS account"
    assert out[1].startswith("Session expired at"), out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_stsh_wrapper_function_changes_environment(shell, stsh, home, env, sts):
    need(shell)
    script = "\n".join([init_line(shell), "stsh switch work", "stsh mfa --token-code 123456", DUMP_ENV])
    cp = run_script(shell, script, env)
    assert_ok(cp)
    assert lines(cp.stderr)[-1] == "Set keys for work-MFA-STS AWS account", cp.stderr
    assert_session_env(parse_env_dump(cp.stdout), "work", read_cache(home / "aws-creds", "work"))


def test_creds_dir_from_environment(stsh, tmp_path, home, env):
    other = tmp_path / "elsewhere-creds"
    (home / "aws-creds").rename(other)
    cp = run_script("bash", f'eval "$(stsh switch personal)"\n{DUMP_ENV}', dict(env, STSH_CREDS_DIR=str(other)))
    assert_ok(cp)
    assert_long_lived_env(parse_env_dump(cp.stdout), "personal", *LONG_LIVED_KEYS["personal"])
    cp = run(stsh, ["mfa", "personal", "--token-code", "123456"], dict(env, STSH_CREDS_DIR=str(other)))
    assert_ok(cp)
    assert (other / ".cache.personal.json").is_file()
    assert not (home / "aws-creds").exists()

"""SigV4 as checked by moto with INITIAL_NO_AUTH_ACTION_COUNT (real signature verification)."""

from __future__ import annotations

import pytest

from e2e_util import assert_error, assert_ok, read_cache, run
from motoserver import make_home, stsh_env

MFA = "generate-sts-mfa-token"
ROLE = "generate-sts-role-token"


def tamper(secret: str) -> str:
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


@pytest.fixture
def signed_home(tmp_path, moto_auth):
    def build(secret_of=lambda s: s):
        key, secret = moto_auth.allowed
        home = make_home(tmp_path / "home", keys={"work": (key, secret_of(secret)), "personal": moto_auth.denied})
        return home, stsh_env(home, moto_auth.url)

    return build


def test_session_token_with_real_keys_is_accepted(stsh, signed_home):
    home, env = signed_home()
    cp = run(stsh, ["--account", "work", "--token", "123456"], env, argv0=MFA)
    assert_ok(cp)
    assert '"session_token"' in cp.stdout


def test_mfa_command_with_real_keys_is_accepted(stsh, signed_home):
    home, env = signed_home()
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    assert_ok(cp)
    read_cache(home / "aws-creds", "work")


def test_assume_role_with_real_keys_is_accepted(stsh, signed_home, moto_auth):
    home, env = signed_home()
    key, secret = moto_auth.allowed
    e = dict(env, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    cp = run(stsh, ["--account", "work", "--role", "deploy"], e, argv0=ROLE)
    assert_ok(cp)
    assert '"session_token"' in cp.stdout


def test_assume_role_signed_with_account_keys_is_accepted(stsh, signed_home):
    home, env = signed_home()
    cp = run(stsh, ["--account", "work", "--role", "deploy"], env, argv0=ROLE)
    assert_ok(cp)


def test_session_token_with_tampered_secret_is_rejected(stsh, signed_home):
    home, env = signed_home(tamper)
    cp = run(stsh, ["--account", "work", "--token", "123456"], env, argv0=MFA)
    line = assert_error(cp, 4)
    assert line.startswith("stsh: error: SignatureDoesNotMatch: "), line


def test_mfa_command_with_tampered_secret_is_rejected(stsh, signed_home):
    home, env = signed_home(tamper)
    cp = run(stsh, ["mfa", "work", "--token-code", "123456"], env)
    line = assert_error(cp, 4, mfa=True)
    assert line.startswith("stsh: error: SignatureDoesNotMatch: "), line
    assert not (home / "aws-creds" / ".cache.work.json").exists()


def test_assume_role_with_tampered_secret_is_rejected(stsh, signed_home, moto_auth):
    home, env = signed_home()
    key, secret = moto_auth.allowed
    e = dict(env, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=tamper(secret))
    cp = run(stsh, ["--account", "work", "--role", "deploy"], e, argv0=ROLE)
    line = assert_error(cp, 4)
    assert line.startswith("stsh: error: SignatureDoesNotMatch: "), line
    assert tamper(secret) not in cp.stderr and secret not in cp.stderr, "secret leaked into the error"


def test_unknown_access_key_is_rejected(stsh, signed_home):
    home, env = signed_home()
    e = dict(env, AWS_ACCESS_KEY_ID="AKIAUNKNOWNEXAMPLE00", AWS_SECRET_ACCESS_KEY="whatever")
    cp = run(stsh, ["--account", "work", "--role", "deploy"], e, argv0=ROLE)
    line = assert_error(cp, 4)
    assert line.startswith("stsh: error: InvalidClientTokenId: "), line

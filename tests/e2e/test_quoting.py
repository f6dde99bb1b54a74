"""Secrets with shell metacharacters reach each shell's environment unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from e2e_util import assert_long_lived_env, assert_ok, assert_session_env, lines, write_cache
from motoserver import NASTY_SECRET, make_home, stsh_env
from shells import DUMP_ENV, eval_line, have_shell, init_line, parse_env_dump, run_script

NASTY_KEY = "AKIANASTYEXAMPLE0001"


@pytest.fixture
def nasty_env(tmp_path, sts):
    home = make_home(tmp_path / "home", keys={"work": (NASTY_KEY, NASTY_SECRET), "personal": ("AKIAP", "p")})
    return home, stsh_env(home, sts.url)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_nasty_secret_round_trips_through_ec2switch(shell, stsh, nasty_env):
    if not have_shell(shell):
        pytest.skip(f"{shell} is not installed")
    home, env = nasty_env
    cp = run_script(shell, "\n".join([init_line(shell), "ec2switch work", DUMP_ENV]), env)
    assert_ok(cp)
    assert lines(cp.stderr)[-1] == "Set keys for work AWS account", cp.stderr
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", NASTY_KEY, NASTY_SECRET)


@pytest.mark.parametrize("shell", ["sh", "bash", "zsh", "fish"])
def test_nasty_secret_round_trips_through_shell_option(shell, stsh, nasty_env):
    """`stsh switch --shell=X` output evaluated by shell X (default: POSIX sh)."""
    if not have_shell(shell):
        pytest.skip(f"{shell} is not installed")
    home, env = nasty_env
    cp = run_script(shell, "\n".join([eval_line(shell, "switch work"), DUMP_ENV]), env)
    assert_ok(cp)
    assert NASTY_SECRET not in cp.stderr, "secret printed on stderr"
    assert_long_lived_env(parse_env_dump(cp.stdout), "work", NASTY_KEY, NASTY_SECRET)


@pytest.mark.parametrize("shell", ["sh", "bash", "zsh", "fish"])
def test_nasty_cached_session_round_trips(shell, stsh, nasty_env):
    """Session values from the cache are quoted too (secret and token)."""
    if not have_shell(shell):
        pytest.skip(f"{shell} is not installed")
    home, env = nasty_env
    entry = write_cache(home / "aws-creds", "work", dt.timedelta(hours=3),
                        secret=NASTY_SECRET, token="tok'en\"$(id)`id` +/= \\end")
    cp = run_script(shell, "\n".join([eval_line(shell, "switch work"), DUMP_ENV]), env)
    assert_ok(cp)
    assert_session_env(parse_env_dump(cp.stdout), "work", entry)

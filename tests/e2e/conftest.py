"""Fixtures for the stsh end-to-end suite.

The binary under test is $STSH_BIN (default build/stsh), with the seed names
generate-sts-mfa-token and generate-sts-role-token symlinked beside it. Every
network call goes to a moto_server on 127.0.0.1; every test gets its own HOME.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from motoserver import (  # noqa: E402
    MotoServer,
    RecordingProxy,
    make_home,
    stsh_bin,
    stsh_env,
)

# The test process itself must not pick up a developer's AWS setup (boto3 is
# used here to prepare moto). STSH_BIN and the suite's own STSH_E2E_* stay:
# they configure the suite, and no child inherits this environment.
for _k in list(os.environ):
    if _k == "STSH_BIN" or _k.startswith("STSH_E2E_"):
        continue
    if _k.startswith(("AWS_", "STSH_")) or _k == "MY_AWS_SET_FOR":
        del os.environ[_k]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

TEST_TIMEOUT = int(os.environ.get("STSH_E2E_TEST_TIMEOUT", "90"))


@pytest.fixture(autouse=True)
def _per_test_timeout():
    """Fails a test that runs longer than TEST_TIMEOUT seconds (no plugin needed)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"test exceeded {TEST_TIMEOUT}s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="session")
def stsh() -> Path:
    path = stsh_bin()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"stsh binary not found at {path}; build it or set STSH_BIN", pytrace=False)
    for alias in ("generate-sts-mfa-token", "generate-sts-role-token"):
        if not (path.parent / alias).exists():
            pytest.fail(f"{alias} symlink missing next to {path}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    """moto_server without signature checks (accepts any keys and session tokens)."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    server = MotoServer(log_path=str(log)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _proxy(moto):
    proxy = RecordingProxy(moto.port).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def sts(_proxy):
    """The STS endpoint for a test: a recording proxy in front of `moto`."""
    _proxy.clear()
    return _proxy


class AuthMoto:
    """moto with SigV4 enforcement, an allowed IAM user and a denied one."""

    def __init__(self, server: MotoServer, allowed: tuple[str, str], denied: tuple[str, str]):
        self.server = server
        self.allowed = allowed
        self.denied = denied

    @property
    def url(self) -> str:
        return self.server.url


# create_user, create_access_key, put_user_policy (allowed user) and
# create_user, create_access_key (denied user): the actions moto lets through
# unauthenticated before it starts checking signatures and policies.
AUTH_SETUP_ACTIONS = 5


@pytest.fixture(scope="session")
def moto_auth(tmp_path_factory):
    log = tmp_path_factory.mktemp("moto-auth") / "moto.log"
    server = MotoServer(no_auth_action_count=AUTH_SETUP_ACTIONS, log_path=str(log)).start()
    try:
        iam = server.client("iam")
        iam.create_user(UserName="stsh-allowed")
        key = iam.create_access_key(UserName="stsh-allowed")["AccessKey"]
        iam.put_user_policy(
            UserName="stsh-allowed",
            PolicyName="allow-sts",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}
            ),
        )
        iam.create_user(UserName="stsh-denied")
        denied = iam.create_access_key(UserName="stsh-denied")["AccessKey"]
        auth = AuthMoto(
            server,
            (key["AccessKeyId"], key["SecretAccessKey"]),
            (denied["AccessKeyId"], denied["SecretAccessKey"]),
        )
        # Enforcement is on from here: an unsigned-by-a-known-key call fails.
        probe = server.client("sts", "AKIAUNKNOWNKEY000000", "nope")
        with pytest.raises(Exception):
            probe.get_caller_identity()
        yield auth
    finally:
        server.stop()


@pytest.fixture
def home(tmp_path) -> Path:
    return make_home(tmp_path / "home")


@pytest.fixture
def creds(home) -> Path:
    return home / "aws-creds"


@pytest.fixture
def env(home, sts) -> dict[str, str]:
    return stsh_env(home, sts.url)


@pytest.fixture
def profile_env(home, sts) -> dict[str, str]:
    """As `env`, plus XDG_CACHE_HOME inside HOME (stsh's profile cache is $XDG_CACHE_HOME/stsh)."""
    from e2e_util import xdg_cache_home

    return stsh_env(home, sts.url, {"XDG_CACHE_HOME": str(xdg_cache_home(home))})


@pytest.fixture(scope="session")
def stsh_net(stsh) -> Path:
    """The helper stsh-net built beside stsh (STS calls, the Secret Service)."""
    path = stsh.parent / "stsh-net"
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"stsh-net not found at {path}; build it next to stsh", pytrace=False)
    return path


# --- secret backends (test_backends*.py) ----------------------------------------------------

from e2e_util import BACKENDS, BackendWorld  # noqa: E402

# The seed account `personal` has an IAM user of its own (the seed's NAME.user file).
SEED_USER_FILES = {"personal": "jane"}


def _backend_world(backend: str, tmp_path: Path, stsh: Path, endpoint: str):
    with BackendWorld(backend, tmp_path / backend, stsh, endpoint, user_files=SEED_USER_FILES) as world:
        if world.skip_reason:
            pytest.skip(world.skip_reason)
        yield world


@pytest.fixture(params=BACKENDS)
def backend_world(request, tmp_path, stsh, sts):
    """A throwaway HOME whose secrets go to each backend in turn (STSH_BACKEND set; skipped where unavailable)."""
    yield from _backend_world(request.param, tmp_path, stsh, sts.url)


@pytest.fixture
def file_world(tmp_path, stsh, sts):
    """As backend_world, for the file backend only (STSH_FILE_PASSPHRASE set)."""
    yield from _backend_world("file", tmp_path, stsh, sts.url)

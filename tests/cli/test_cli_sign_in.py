"""The command signs in from the environment or a file, and caches the token it got."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tradovate_liquidate import Credentials, TokenManager
from tradovate_liquidate._cli_output import EXIT_AUTH_OR_RATE, EXIT_OK, EXIT_USAGE
from tradovate_liquidate._cli_session import TokenCache
from tradovate_liquidate.testing import FakeServer, FakeTradovate

USER, PASSWORD, SEC = "cli-user", "cli-password-canary", "cli-sec-canary"


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_position(account_id=100001, contract_id=3570918, net_pos=3)
    return fake


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def cli(
    server: FakeServer, tmp_path: Path, *arguments: str, **env_extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADOVATE_")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    env.update(env_extra)
    command = [sys.executable, "-m", "tradovate_liquidate", "100001", "3570918"]
    return subprocess.run(
        [*command, "--base-url", server.base_url, *arguments],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def from_env(**extra: str) -> dict[str, str]:
    names = {"TRADOVATE_USERNAME": USER, "TRADOVATE_PASSWORD": PASSWORD, "TRADOVATE_SEC": SEC}
    return {**names, **extra}


def test_signs_in_from_the_environment_and_reuses_the_cached_token(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    first = cli(server, tmp_path, **from_env())
    assert first.returncode == EXIT_OK, first.stderr
    cache = tmp_path / "state" / "tradovate-liquidate" / "token.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert f"{USER}@{server.base_url}" in json.loads(cache.read_text())
    second = cli(server, tmp_path, **from_env())
    assert second.returncode == EXIT_OK, second.stderr
    assert fake.auth.logins == 1  # the second run used the cached token
    for output in (first.stdout + first.stderr, second.stdout + second.stderr):
        assert PASSWORD not in output
        assert SEC not in output
    assert PASSWORD not in cache.read_text()


def test_no_token_cache_signs_in_each_run_and_writes_nothing(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    for _ in range(2):
        assert cli(server, tmp_path, "--no-token-cache", **from_env()).returncode == EXIT_OK
    assert fake.auth.logins == 2
    assert not list((tmp_path / "state").rglob("token*")), "no token was cached"


def test_a_cached_token_the_server_refuses_leads_to_one_sign_in(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache.json"
    assert cli(server, tmp_path, "--token-cache", str(cache), **from_env()).returncode == EXIT_OK
    [entry] = json.loads(cache.read_text()).values()
    fake.expire_token(entry["access_token"])
    assert cli(server, tmp_path, "--token-cache", str(cache), **from_env()).returncode == EXIT_OK
    assert fake.auth.logins == 2
    [renewed] = json.loads(cache.read_text()).values()
    assert renewed["access_token"] != entry["access_token"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("creds.toml", f'username = "{USER}"\npassword = "{PASSWORD}"\nsec = "{SEC}"\n'),
        ("creds.json", json.dumps({"username": USER, "password": PASSWORD, "sec": SEC})),
    ],
)
def test_a_credentials_file_in_toml_or_json(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(0o600)
    done = cli(server, tmp_path, "--credentials-file", str(path), "--no-token-cache")
    assert done.returncode == EXIT_OK, done.stderr
    assert fake.auth.logins == 1


def test_a_credentials_file_others_can_read_is_refused(server: FakeServer, tmp_path: Path) -> None:
    path = tmp_path / "creds.toml"
    path.write_text(f'username = "{USER}"\npassword = "{PASSWORD}"\n')
    path.chmod(0o644)
    done = cli(server, tmp_path, "--credentials-file", str(path))
    assert done.returncode == EXIT_USAGE
    assert "other users can read it (mode 0644)" in done.stderr
    assert "chmod 600" in done.stderr


def test_a_wrong_password_exits_3_and_does_not_show_it(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    done = cli(server, tmp_path, **from_env(TRADOVATE_PASSWORD="wrong-canary-pw"))
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert "Incorrect username or password" in done.stdout
    assert "wrong-canary-pw" not in done.stdout + done.stderr
    assert fake.auth.logins == 1


def test_a_token_cache_that_cannot_be_written_warns_and_keeps_the_outcome(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    cache = tmp_path / "not-a-folder" / "token.json"
    done = cli(server, tmp_path, "--token-cache", str(cache), **from_env())
    assert done.returncode == EXIT_OK, done.stderr
    assert "warning: could not keep the token" in done.stderr
    assert "Traceback" not in done.stderr
    assert fake.placed, "the position was liquidated all the same"


def test_the_token_cache_writes_through_a_temporary_name_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "state" / "token.json"
    path.parent.mkdir(mode=0o700)
    # Another run's temporary file, in the middle of being written: left alone.
    other = path.with_name(path.name + ".tmp")
    other.write_text("another run's")
    manager = TokenManager(Credentials(USER, PASSWORD, sec=SEC))
    manager.adopt("a" * 40, time.time() + 3600)
    TokenCache(path, "https://example.test/v1", USER).save_from(manager)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())[f"{USER}@https://example.test/v1"]["access_token"]
    assert other.read_text() == "another run's"
    assert sorted(p.name for p in path.parent.iterdir()) == ["token.json", "token.json.tmp"]


def test_a_cached_token_whose_session_was_closed_is_renewed_before_liquidating(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache.json"
    assert cli(server, tmp_path, "--token-cache", str(cache), **from_env()).returncode == EXIT_OK
    fake.add_position(account_id=100001, contract_id=3570918, net_pos=3)
    body = {"name": USER, "password": PASSWORD, "sec": SEC}
    for _ in range(2):  # the same user signs in elsewhere twice: the cached session closes
        httpx.post(server.base_url + "/auth/accesstokenrequest", json=body, timeout=10)
    second = cli(server, tmp_path, "--token-cache", str(cache), **from_env())
    assert second.returncode == EXIT_OK, second.stdout + second.stderr
    liquidations = [r.answer for r in fake.requests if r.path.endswith("liquidateposition")]
    assert liquidations == ["result", "result"]
    assert fake.auth.logins == 1 + 2 + 1

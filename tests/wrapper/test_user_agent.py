"""Every request says who sent it: tradovate-liquidate/<v> httpx/<v> python/<v>, overridable."""

from __future__ import annotations

import platform
from typing import Any

import httpx
import pytest

import tradovate_liquidate
from tradovate_liquidate.testing import FakeTradovate

from .conftest import ACCOUNT, CONTRACT, Harness

EXPECTED = (
    f"tradovate-liquidate/{tradovate_liquidate.__version__} "
    f"httpx/{httpx.__version__} python/{platform.python_version()}"
)


def test_the_default_user_agent_reaches_the_fake_in_process(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    (request,) = fake.requests
    assert request.user_agent == EXPECTED


def test_the_default_user_agent_crosses_a_real_socket(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    with fake.serve() as server:
        harness.liquidate({"token": token, "base_url": server.base_url}, ACCOUNT, CONTRACT)
    (request,) = fake.requests
    assert request.user_agent == EXPECTED


def test_user_agent_replaces_the_default(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    harness.liquidate({**on_fake, "user_agent": "risk-desk/2.3"}, ACCOUNT, CONTRACT)
    assert [request.user_agent for request in fake.requests] == ["risk-desk/2.3"]


def test_a_callers_http_client_sends_its_own_user_agent(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    kind = httpx.Client if harness.kind == "sync" else httpx.AsyncClient
    http_client = kind(transport=fake.transport(), headers={"User-Agent": "theirs/1"})
    harness.liquidate({"token": token, "http_client": http_client}, ACCOUNT, CONTRACT)
    assert [request.user_agent for request in fake.requests] == ["theirs/1"]


@pytest.mark.parametrize(
    ("user_agent", "error", "message"),
    [
        (b"bytes/1", TypeError, "user_agent: expected a str, not bytes"),
        ("", ValueError, "user_agent: must be non-empty printable ASCII"),
        ("two\nlines", ValueError, "user_agent: must be non-empty printable ASCII"),
    ],
)
def test_a_bad_user_agent_is_refused_by_name(
    harness: Harness, user_agent: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        harness.run({"token": "t", "user_agent": user_agent}, lambda client: None)


def test_user_agent_with_an_http_client_is_refused_as_ambiguous(
    harness: Harness, fake: FakeTradovate
) -> None:
    kind = httpx.Client if harness.kind == "sync" else httpx.AsyncClient
    http_client = kind(transport=fake.transport())
    with pytest.raises(ValueError, match="user_agent, http_client: set the User-Agent on your"):
        harness.run({"token": "t", "http_client": http_client, "user_agent": "x/1"}, lambda c: None)
    assert http_client.headers["User-Agent"].startswith("python-httpx/"), "theirs is untouched"


def test_the_fake_never_records_the_authorization_header(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    recorded = repr(fake.requests)
    assert "user_agent='tradovate-liquidate/" in recorded
    assert on_fake["token"] not in recorded

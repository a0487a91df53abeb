"""Client arguments: token sources, environments, base URLs, timeouts, injected httpx pieces."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import DEFAULT_TIMEOUT, ENVIRONMENTS, TOKEN_ENV_VAR
from tradovate_liquidate.testing import FakeTradovate

from .conftest import ACCOUNT, CONTRACT, Harness


def test_demo_is_the_default_and_live_must_be_named(harness: Harness) -> None:
    assert harness.run({"token": "t"}, lambda c: c.base_url) == "https://demo.tradovateapi.com/v1"
    live = harness.run({"token": "t", "environment": "live"}, lambda c: c.base_url)
    assert live == ENVIRONMENTS["live"] == "https://live.tradovateapi.com/v1"


def test_an_unknown_environment_is_refused(harness: Harness) -> None:
    with pytest.raises(ValueError, match="environment: must be one of 'demo', 'live', not 'prod'"):
        harness.run({"token": "t", "environment": "prod"}, lambda c: None)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8000/v1",
        "http://localhost:1/v1",
        "http://[::1]:9/v1",
        "https://example.test/v1/",
    ],
)
def test_base_url_overrides_the_environment(harness: Harness, base_url: str) -> None:
    assert harness.run(
        {"token": "t", "base_url": base_url, "environment": "live"}, lambda c: c.base_url
    ) == base_url.rstrip("/")


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("http://demo.tradovateapi.com/v1", "plain http:// is refused for 'demo.tradovateapi.com'"),
        ("http://10.0.0.8/v1", "plain http:// is refused"),
        ("ftp://127.0.0.1/v1", "expected an https:// URL"),
        ("demo.tradovateapi.com/v1", "expected an https:// URL"),
    ],
)
def test_unsafe_base_urls_are_refused(harness: Harness, base_url: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"base_url: {message}"):
        harness.run({"token": "t", "base_url": base_url}, lambda c: None)


def test_token_comes_from_the_environment_variable(
    harness: Harness, fake: FakeTradovate, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV_VAR, token)
    result = harness.liquidate({"transport": fake.transport()}, ACCOUNT, CONTRACT)
    assert result.order_id is not None


def test_a_missing_token_is_refused_when_the_client_is_built(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV_VAR, raising=False)
    with pytest.raises(ValueError, match=f"token: not given, and {TOKEN_ENV_VAR} is not set"):
        harness.run({}, lambda c: None)


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("", ValueError),
        ("canary secret", ValueError),
        ("canary-secret\n", ValueError),
        (42, TypeError),
    ],
)
def test_malformed_tokens_are_refused_without_showing_them(
    harness: Harness, token: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="token: ") as caught:
        harness.run({"token": token}, lambda c: None)
    if isinstance(token, str) and token:
        assert token.strip() not in str(caught.value)


def test_the_default_timeout_is_finite_and_named(harness: Harness) -> None:
    timeout = harness.run({"token": "t"}, lambda c: c.timeout)
    assert timeout == DEFAULT_TIMEOUT
    assert all(
        value is not None and value < 60
        for value in (timeout.connect, timeout.read, timeout.write, timeout.pool)
    )


def test_timeout_in_seconds(harness: Harness) -> None:
    assert harness.run({"token": "t", "timeout": 2.5}, lambda c: c.timeout) == httpx.Timeout(2.5)


def test_the_timeout_reaches_the_request(harness: Harness) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"failureReason": "Success", "orderId": 1})

    harness.liquidate(
        {"token": "t", "transport": httpx.MockTransport(handler), "timeout": 3}, ACCOUNT, CONTRACT
    )
    harness.liquidate(
        {"token": "t", "transport": httpx.MockTransport(handler)}, ACCOUNT, CONTRACT, timeout=1.5
    )
    assert seen[0]["read"] == 3
    assert seen[1]["read"] == 1.5


def test_transport_and_http_client_are_exclusive(harness: Harness, fake: FakeTradovate) -> None:
    http = httpx.Client() if harness.kind == "sync" else httpx.AsyncClient()
    with pytest.raises(ValueError, match="transport, http_client: give one or the other"):
        harness.run(
            {"token": "t", "transport": fake.transport(), "http_client": http}, lambda c: None
        )


def test_an_http_client_of_the_wrong_kind_is_refused(harness: Harness) -> None:
    wrong = httpx.AsyncClient() if harness.kind == "sync" else httpx.Client()
    with pytest.raises(TypeError, match="http_client: expected an httpx"):
        harness.run({"token": "t", "http_client": wrong}, lambda c: None)


def test_a_callers_http_client_is_used_and_left_open(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    http: Any = (httpx.Client if harness.kind == "sync" else httpx.AsyncClient)(
        transport=fake.transport()
    )
    result = harness.liquidate({"token": token, "http_client": http}, ACCOUNT, CONTRACT)
    assert result.order_id is not None
    assert not http.is_closed


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("connect_retries", -1, ValueError),
        ("connect_retries", 1.5, TypeError),
        ("connect_backoff", "1", TypeError),
        ("max_penalty_wait", float("inf"), ValueError),
    ],
)
def test_retry_settings_are_checked(
    harness: Harness, name: str, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match=f"{name}: "):
        harness.run({"token": "t", name: value}, lambda c: None)


def test_base_url_cannot_be_changed_after_the_client_is_built(harness: Harness) -> None:
    """It was checked when the client was built (http only for loopback) and requests go
    only there; a new server needs a new client, not an attribute set on the side."""

    def change(client: Any) -> Any:
        with pytest.raises(AttributeError):
            client.base_url = "http://evil.example.com/v1"
        return client.base_url

    async def change_async(client: Any) -> Any:
        return change(client)

    checker = change if harness.kind == "sync" else change_async
    assert harness.run({"token": "t", "base_url": "https://demo.example.com/v1"}, checker) == (
        "https://demo.example.com/v1"
    )

"""The safety rules: resend only when the server provably did not act, never otherwise."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import pytest

from tradovate_liquidate import (
    AuthenticationError,
    ConnectionFailedError,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    TradovateError,
    UnexpectedResponseError,
)
from tradovate_liquidate.testing import FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT, Harness

# What an answer alone means: these clients do not verify (see tests/conftest.py).
pytestmark = pytest.mark.answer_only


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.server_error(500), ServerError),
        (Fault.server_error(503), ServerError),
        (Fault.html_error(520), ServerError),
        (Fault.drop_connection(), OutcomeUnknownError),
        (Fault.malformed_json(), UnexpectedResponseError),
        (Fault.delay(1.0), OutcomeUnknownError),
    ],
    ids=["500", "503", "520-html", "dropped", "malformed-json", "read-timeout"],
)
def test_no_resend_when_the_server_may_have_acted(
    harness: Harness,
    fake: FakeTradovate,
    on_fake: dict[str, Any],
    fault: Fault,
    error: type[Exception],
) -> None:
    fake.inject(fault)
    with pytest.raises(error) as caught:
        harness.liquidate({**on_fake, "timeout": httpx.Timeout(5.0, read=0.2)}, ACCOUNT, CONTRACT)
    assert isinstance(caught.value, OutcomeUnknownError), (
        "every one of these means: outcome unknown"
    )
    assert "Check positions" in str(caught.value)
    assert len(fake.requests) == 1
    assert len(fake.placed) == 1, "the fake acted: exactly why a resend would be dangerous"


def test_server_errors_carry_status_and_a_redacted_response(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], token: str
) -> None:
    fake.inject(Fault.html_error(520))
    with pytest.raises(ServerError) as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.status_code == 520
    assert caught.value.response is not None
    assert "<html>" in caught.value.response.text
    assert caught.value.response.request.headers["authorization"] == "[redacted]"
    assert token not in repr(caught.value)


class CountingConnectFailures(httpx.MockTransport):
    """Fails to connect `failures` times, then hands requests to the fake."""

    def __init__(self, fake: FakeTradovate, failures: int) -> None:
        self.attempts = 0
        inner = fake.transport()

        def handler(request: httpx.Request) -> httpx.Response:
            self.attempts += 1
            if self.attempts <= failures:
                raise httpx.ConnectError("Connection refused", request=request)
            return inner.handle_request(request)

        super().__init__(handler)


def test_connection_failures_are_retried_then_succeed(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    transport = CountingConnectFailures(fake, failures=2)
    result = harness.liquidate(
        {"token": token, "transport": transport, "connect_backoff": 0}, ACCOUNT, CONTRACT
    )
    assert result.order_id is not None
    assert transport.attempts == 3
    assert len(fake.requests) == 1


def test_connection_failures_end_in_connection_failed_after_the_retries(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    transport = CountingConnectFailures(fake, failures=10)
    kwargs = {"token": token, "transport": transport, "connect_backoff": 0, "connect_retries": 3}
    with pytest.raises(ConnectionFailedError, match=r"could not connect to \S+ after 4 tries"):
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    assert transport.attempts == 4
    assert fake.requests == []


def test_connection_refused_on_a_real_socket(harness: Harness) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kwargs = {"token": "t", "base_url": f"http://127.0.0.1:{port}/v1", "connect_backoff": 0.01}
    with pytest.raises(ConnectionFailedError, match="nothing was sent"):
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)


def test_retry_backoff_doubles(harness: Harness, fake: FakeTradovate, token: str) -> None:
    transport = CountingConnectFailures(fake, failures=2)
    started = time.perf_counter()
    harness.liquidate(
        {"token": token, "transport": transport, "connect_backoff": 0.1}, ACCOUNT, CONTRACT
    )
    assert time.perf_counter() - started >= 0.1 + 0.2


def test_a_time_penalty_is_waited_out_and_the_same_body_resent_with_the_ticket(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.impose_penalty(1)
    started = time.perf_counter()
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT, custom_tag="t1")
    assert time.perf_counter() - started >= 1.0
    assert result.order_id == fake.placed[0].order_id
    first, second = (request.json() for request in fake.requests)
    assert "p-ticket" not in first
    ticket = second.pop("p-ticket")
    assert second == first
    assert fake.requests[0].answer == "penalty"
    assert isinstance(ticket, str)


def test_a_captcha_penalty_is_not_waited_out(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.impose_penalty(30, captcha=True)
    with pytest.raises(RateLimitError) as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.captcha is True
    assert caught.value.retry_after == 30
    assert len(fake.requests) == 1


def test_a_penalty_longer_than_allowed_raises_with_the_wait(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.impose_penalty(120)
    with pytest.raises(RateLimitError, match="exceed max_penalty_wait") as caught:
        harness.liquidate({**on_fake, "max_penalty_wait": 10}, ACCOUNT, CONTRACT)
    assert caught.value.retry_after == 120
    assert caught.value.captcha is False
    assert len(fake.requests) == 1


def test_endless_zero_second_penalties_end(harness: Harness, token: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"p-ticket": "t", "p-time": 0})

    with pytest.raises(RateLimitError):
        harness.liquidate(
            {"token": token, "transport": httpx.MockTransport(handler)}, ACCOUNT, CONTRACT
        )
    assert len(seen) == 6  # the first request and MAX_PENALTY_ROUNDS resends


def test_a_429_lockout_is_not_resent(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.lock_out(3600)
    with pytest.raises(RateLimitError, match="429") as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.status_code == 429
    assert caught.value.retry_after is None
    assert len(fake.requests) == 1


def test_a_401_with_a_fixed_token_is_not_resent(
    harness: Harness, fake: FakeTradovate, token: str
) -> None:
    fake.expire_token(token)
    with pytest.raises(AuthenticationError) as caught:
        harness.liquidate({"token": token, "transport": fake.transport()}, ACCOUNT, CONTRACT)
    assert caught.value.status_code == 401
    assert len(fake.requests) == 1


def test_a_401_asks_a_token_callable_once_more_and_resends_once(
    harness: Harness, fake: FakeTradovate
) -> None:
    tokens = [fake.issue_token(expires_in=-1), fake.issue_token()]
    asked: list[str] = []

    def current_token() -> str:
        asked.append(tokens[len(asked)])
        return asked[-1]

    result = harness.liquidate(
        {"token": current_token, "transport": fake.transport()}, ACCOUNT, CONTRACT
    )
    assert result.order_id is not None
    assert len(asked) == 2
    assert [request.status for request in fake.requests] == [401, 200]


def test_a_second_401_raises(harness: Harness, fake: FakeTradovate) -> None:
    calls: list[int] = []

    def stale() -> str:
        calls.append(1)
        return "stale-token"

    with pytest.raises(AuthenticationError):
        harness.liquidate({"token": stale, "transport": fake.transport()}, ACCOUNT, CONTRACT)
    assert len(calls) == 2
    assert len(fake.requests) == 2


def test_an_async_token_callable(fake: FakeTradovate) -> None:
    token = fake.issue_token()

    async def renew() -> str:
        return token

    result = Harness("async").liquidate(
        {"token": renew, "transport": fake.transport()}, ACCOUNT, CONTRACT
    )
    assert result.order_id is not None


def test_a_failing_token_callable_is_an_authentication_error(
    harness: Harness, fake: FakeTradovate
) -> None:
    def broken() -> str:
        raise RuntimeError("vault said: secret-in-message")

    with pytest.raises(AuthenticationError, match="token callable raised RuntimeError") as caught:
        harness.liquidate({"token": broken, "transport": fake.transport()}, ACCOUNT, CONTRACT)
    assert "secret-in-message" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert fake.requests == []


def test_a_token_callable_returning_junk_is_refused_by_name(
    harness: Harness, fake: FakeTradovate
) -> None:
    with pytest.raises(AuthenticationError, match="token: expected a str, not NoneType"):
        harness.liquidate({"token": lambda: None, "transport": fake.transport()}, ACCOUNT, CONTRACT)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("fault", "text"),
    [
        (Fault.error_text("Access is denied"), "Access is denied"),
        (Fault.violations("must be a known account"), "accountId: must be a known account"),
    ],
    ids=["errorText", "violations"],
)
def test_business_refusals_are_request_rejected(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], fault: Fault, text: str
) -> None:
    fake.inject(fault)
    with pytest.raises(RequestRejected) as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.text == text
    assert text in str(caught.value)
    assert len(fake.requests) == 1


def test_a_400_is_request_rejected_with_the_error_text(harness: Harness) -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(400, json={"errorText": "contractId: bad", "ok": False})
    )
    with pytest.raises(RequestRejected, match="contractId: bad") as caught:
        harness.liquidate({"token": "t", "transport": transport}, ACCOUNT, CONTRACT)
    assert caught.value.status_code == 400


def test_redirects_are_not_followed_and_the_token_stays_home(harness: Harness) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(
            307, headers={"Location": "https://elsewhere.test/v1/order/liquidateposition"}
        )

    with pytest.raises(UnexpectedResponseError) as caught:
        harness.liquidate(
            {"token": "t", "transport": httpx.MockTransport(handler)}, ACCOUNT, CONTRACT
        )
    assert hosts == ["demo.tradovateapi.com"]
    assert caught.value.status_code == 307


def test_even_a_following_http_client_does_not_follow(harness: Harness) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(302, headers={"Location": "https://elsewhere.test/"})

    kind = httpx.Client if harness.kind == "sync" else httpx.AsyncClient
    http: Any = kind(transport=httpx.MockTransport(handler), follow_redirects=True)
    with pytest.raises(UnexpectedResponseError):
        harness.liquidate({"token": "t", "http_client": http}, ACCOUNT, CONTRACT)
    assert hosts == ["demo.tradovateapi.com"]


@pytest.mark.parametrize(
    "error", [httpx.ReadError("boom"), httpx.WriteTimeout("slow"), httpx.DecodingError("bad gzip")]
)
def test_no_httpx_exception_escapes(harness: Harness, error: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(OutcomeUnknownError) as caught:
        harness.liquidate(
            {"token": "t", "transport": httpx.MockTransport(handler)}, ACCOUNT, CONTRACT
        )
    assert isinstance(caught.value, TradovateError)
    assert caught.value.__cause__ is error


@pytest.mark.parametrize(
    "outcome",
    [{"orderId": 8}, {"failureReason": "Success"}, {"errorText": "denied"}],
    ids=["orderId", "failureReason", "errorText"],
)
def test_a_penalty_beside_an_outcome_is_not_resent(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, outcome: dict[str, Any]
) -> None:
    # A hostile answer: the server acted (the fake placed its order), then said "penalty".
    fields = {"p-ticket": "t-1", "p-time": 0, **outcome}
    fake.inject(Fault.extra_fields(**fields))
    answer_only = Harness(harness.kind, answer_only=True)
    with pytest.raises(UnexpectedResponseError, match="time penalty and an outcome"):
        answer_only.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert len(fake.placed) == 1, "sent once: never again on the penalty's word"


@pytest.mark.parametrize(
    ("captcha", "expected"),
    [(True, True), ("true", True), (1, True), ("TRUE", True), (False, False), ("false", False)],
)
def test_a_captcha_is_recognised_however_it_is_spelled(
    harness: Harness, captcha: object, expected: bool
) -> None:
    answers = [{"p-ticket": "t-1", "p-time": 0, "p-captcha": captcha},
               {"failureReason": "Success", "orderId": 7}]  # fmt: skip
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=answers[len(sent) - 1])

    kwargs = {"token": "tok", "transport": httpx.MockTransport(handler), "verify_outcome": False}
    try:
        outcome: Any = harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except RateLimitError as exc:
        outcome = exc
    assert isinstance(outcome, RateLimitError) == expected
    assert getattr(outcome, "captcha", False) == expected
    assert len(sent) == (1 if expected else 2)


@pytest.mark.parametrize("order_id", ["123", 123.0, True, [1]])
def test_an_order_id_that_is_not_an_integer_is_an_unexpected_answer(
    harness: Harness, order_id: object
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"failureReason": "Success", "orderId": order_id})

    kwargs = {"token": "tok", "transport": httpx.MockTransport(handler), "verify_outcome": False}
    with pytest.raises(UnexpectedResponseError, match="orderId that is not an integer"):
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)

"""Signing in and staying signed in, on both clients: the rules of issue 15, point 3 and 4.

Expiry is driven by a simulated clock shared by the client's TokenManager and the fake,
so no test waits for a token to age (the keep_alive test alone uses real, short times).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tradovate_liquidate import (
    AuthenticationError,
    Credentials,
    LiquidationResult,
    TokenManager,
    TradovateError,
)
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, Fault

from ..harness import Harness

# Calls here repeat one target to test the session or the transport, not what a
# pending target does: the clients decide on the answer alone.
pytestmark = pytest.mark.answer_only

USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"
ACCOUNT, CONTRACT = 100_001, 3_570_918
START = 1_800_000_000.0
LIFETIME = 90 * 60.0


class Clock:
    """Unix time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def credentials(password: str = PASSWORD) -> Credentials:
    return Credentials(USER, password, app_id="guard", app_version="1.0", cid=7, sec=SEC)


def make_fake(clock: Callable[[], float] = time.monotonic, **auth: Any) -> FakeTradovate:
    fake = FakeTradovate(clock=clock, auth=FakeAuth(**auth))
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    for offset in range(100):
        fake.add_position(account_id=ACCOUNT + offset, contract_id=CONTRACT, net_pos=1)
    return fake


def answers(fake: FakeTradovate, path_end: str) -> list[str]:
    return [r.answer for r in fake.requests if r.path.endswith(path_end)]


def run_calls(
    harness: Harness, kwargs: dict[str, Any], before_each: list[Callable[[], Any]]
) -> Any:
    """One liquidation after each of `before_each`; returns the outcomes (errors included)."""

    def sync_use(client: Any) -> list[Any]:
        outcomes = []
        for before in before_each:
            before()
            try:
                outcomes.append(client.liquidate_position(ACCOUNT, CONTRACT))
            except TradovateError as exc:
                outcomes.append(exc)
        return outcomes

    async def async_use(client: Any) -> list[Any]:
        outcomes = []
        for before in before_each:
            before()
            try:
                outcomes.append(await client.liquidate_position(ACCOUNT, CONTRACT))
            except TradovateError as exc:
                outcomes.append(exc)
        return outcomes

    return harness.run(kwargs, sync_use if harness.kind == "sync" else async_use)


def warm_then_many(harness: Harness, kwargs: dict[str, Any], at: Callable[[], None]) -> list[Any]:
    """warm_up(), then `at()`, then 100 liquidations at once (threads or tasks)."""
    targets = [(ACCOUNT + offset, CONTRACT) for offset in range(100)]

    def sync_use(client: Any) -> list[Any]:
        client.warm_up()
        at()
        return list(client.liquidate_many(targets, concurrency=100))

    async def async_use(client: Any) -> list[Any]:
        await client.warm_up()
        at()
        return list(await client.liquidate_many(targets, concurrency=100))

    return harness.run(kwargs, sync_use if harness.kind == "sync" else async_use)


# -- point 7: the figures ---------------------------------------------------------------


def test_100_concurrent_calls_when_renewal_is_due_make_exactly_one_renewal(
    harness: Harness,
) -> None:
    clock = Clock()
    fake = make_fake(clock)
    fake.latency = 0.002  # the renewal is still in flight while the other calls arrive
    manager = TokenManager(credentials(), clock=clock)
    kwargs = {"token": manager, "transport": fake.transport()}

    def ten_minutes_before_expiry() -> None:
        clock.now = START + LIFETIME - 600

    outcomes = warm_then_many(harness, kwargs, ten_minutes_before_expiry)
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes), outcomes
    assert (fake.auth.logins, fake.auth.renewals) == (1, 1)
    assert manager.expires_at == START + LIFETIME - 600 + LIFETIME


def test_100_concurrent_calls_at_the_moment_of_expiry_make_exactly_one_sign_in(
    harness: Harness,
) -> None:
    clock = Clock()
    fake = make_fake(clock)
    fake.latency = 0.002
    kwargs = {"token": TokenManager(credentials(), clock=clock), "transport": fake.transport()}

    def at_expiry() -> None:
        clock.now = START + LIFETIME

    outcomes = warm_then_many(harness, kwargs, at_expiry)
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes), outcomes
    # The expired token cannot be renewed: one new sign-in, shared by all 100 calls.
    assert (fake.auth.logins, fake.auth.renewals) == (2, 0)
    assert "unauthorized" not in answers(fake, "liquidateposition")


def test_three_token_lifetimes_sign_in_once_and_renew_three_times(harness: Harness) -> None:
    clock = Clock()
    fake = make_fake(clock)
    kwargs = {"token": TokenManager(credentials(), clock=clock), "transport": fake.transport()}

    def at(minute: int) -> Callable[[], None]:
        return lambda: setattr(clock, "now", START + minute * 60)

    outcomes = run_calls(harness, kwargs, [at(minute) for minute in range(0, 271, 5)])
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    # Renewed at minutes 75, 150 and 225 (15 minutes before each end), never signed in again.
    assert (fake.auth.logins, fake.auth.renewals) == (1, 3)
    assert set(answers(fake, "liquidateposition")) == {"result"}


def test_a_sign_in_error_sends_exactly_one_sign_in_request(harness: Harness) -> None:
    fake = make_fake()
    kwargs = {"credentials": credentials("wrong"), "transport": fake.transport()}
    targets = [(ACCOUNT + offset, CONTRACT) for offset in range(20)]

    def sync_use(client: Any) -> list[Any]:
        outcomes = list(client.liquidate_many(targets, concurrency=20))
        return [*outcomes, *client.liquidate_many(targets[:1])]

    async def async_use(client: Any) -> list[Any]:
        outcomes = list(await client.liquidate_many(targets, concurrency=20))
        return [*outcomes, *(await client.liquidate_many(targets[:1]))]

    outcomes = harness.run(kwargs, sync_use if harness.kind == "sync" else async_use)
    assert fake.auth.logins == 1
    assert answers(fake, "liquidateposition") == []
    for index, outcome in enumerate(outcomes):
        assert isinstance(outcome, AuthenticationError)
        assert "Incorrect username or password" in outcome.message
        assert outcome.account_id == targets[index % 20][0]


# -- point 3: session rules ---------------------------------------------------------------


def test_signs_in_lazily_on_the_first_call_and_only_then(harness: Harness) -> None:
    fake = make_fake()
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    seen: list[int] = []
    outcomes = run_calls(harness, kwargs, [lambda: seen.append(fake.auth.logins)] * 3)
    assert seen == [0, 1, 1]
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    body = json.loads(fake.requests[0].body)
    assert body == {
        "name": USER, "password": "[redacted]", "appId": "guard", "appVersion": "1.0",
        "cid": "7", "sec": "[redacted]",
    }  # fmt: skip


def test_a_401_leads_to_one_sign_in_and_one_resend(harness: Harness) -> None:
    fake = make_fake()
    manager = TokenManager(credentials())
    kwargs = {"token": manager, "transport": fake.transport()}

    def refuse_the_token() -> None:
        grant = manager.current()
        if grant is not None:
            fake.expire_token(grant.token)

    outcomes = run_calls(harness, kwargs, [lambda: None, refuse_the_token])
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    assert fake.auth.logins == 2
    assert answers(fake, "renewaccesstoken") == ["unauthorized"]  # tried first, refused
    assert answers(fake, "liquidateposition") == ["result", "unauthorized", "result"]


def test_a_second_401_is_raised_not_looped(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = make_fake()
    monkeypatch.setattr(fake, "_authorised", lambda *args: False)
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    [outcome] = run_calls(harness, kwargs, [lambda: None])
    assert isinstance(outcome, AuthenticationError)
    assert outcome.status_code == 401
    # The renewal said the token is valid: no second session was opened for it.
    assert (fake.auth.logins, fake.auth.renewals) == (1, 1)
    assert answers(fake, "liquidateposition") == ["unauthorized", "unauthorized"]


def test_a_401_on_a_valid_token_renews_instead_of_signing_in(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = make_fake()
    authorised, refusals = fake._authorised, [True]

    def refuse_once(*args: Any) -> bool:
        return not refusals.pop() if refusals else authorised(*args)

    monkeypatch.setattr(fake, "_authorised", refuse_once)
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    [outcome] = run_calls(harness, kwargs, [lambda: None])
    assert isinstance(outcome, LiquidationResult)
    assert (fake.auth.logins, fake.auth.renewals) == (1, 1)
    assert answers(fake, "liquidateposition") == ["unauthorized", "result"]


def test_a_408_signs_in_once_and_does_not_resend_the_liquidation(harness: Harness) -> None:
    fake = make_fake()
    kwargs = {"credentials": credentials(), "transport": fake.transport()}

    def two_more_sessions() -> None:  # the same user signs in elsewhere, twice
        with httpx.Client(transport=fake.transport()) as raw:
            for _ in range(2):
                body = {"name": USER, "password": PASSWORD, "sec": SEC}
                raw.post("https://demo.tradovateapi.com/v1/auth/accesstokenrequest", json=body)

    outcomes = run_calls(harness, kwargs, [lambda: None, two_more_sessions, lambda: None])
    first, displaced, after = outcomes
    assert isinstance(first, LiquidationResult)
    assert isinstance(after, LiquidationResult)
    assert isinstance(displaced, AuthenticationError)
    assert displaced.status_code == 408
    assert "not sent again" in displaced.message
    assert displaced.account_id == ACCOUNT
    assert answers(fake, "liquidateposition") == ["result", "session_closed", "result"]
    assert fake.auth.logins == 1 + 2 + 1  # ours, the two others, and our one new sign-in


def test_a_renewal_that_fails_for_a_passing_reason_keeps_the_valid_token(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    fake = make_fake(clock)
    kwargs = {"token": TokenManager(credentials(), clock=clock), "transport": fake.transport()}

    def due_and_renewal_fails() -> None:
        clock.now = START + LIFETIME - 600
        fake.inject(Fault.server_error())  # the next request: the renewal

    def thirty_one_seconds_later() -> None:
        clock.now += 31

    steps = [lambda: None, due_and_renewal_fails, lambda: None, thirty_one_seconds_later]
    outcomes = run_calls(harness, kwargs, steps)
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    # Never signed in while the token was valid; tried again after RENEW_RETRY_AFTER.
    assert fake.auth.logins == 1
    assert answers(fake, "renewaccesstoken") == ["renewed", "renewed"]
    assert "renewal failed (500); the token is still valid" in caplog.text


@pytest.mark.parametrize("status", [429, 423])
def test_a_renewal_the_server_will_not_take_now_keeps_the_valid_token(
    harness: Harness, status: int
) -> None:
    clock = Clock()
    fake = make_fake(clock)
    kwargs = {"token": TokenManager(credentials(), clock=clock), "transport": fake.transport()}

    def due_and_renewal_refused_for_now() -> None:
        clock.now = START + LIFETIME - 600
        fake.inject(Fault.server_error(status))  # the next request: the renewal

    steps = [lambda: None, due_and_renewal_refused_for_now, lambda: None]
    outcomes = run_calls(harness, kwargs, steps)
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes), outcomes
    assert fake.auth.logins == 1
    assert answers(fake, "liquidateposition") == ["result"] * 3


def test_a_refused_renewal_leads_to_one_sign_in(harness: Harness) -> None:
    clock = Clock()
    fake = make_fake(clock)
    manager = TokenManager(credentials(), clock=clock)
    kwargs = {"token": manager, "transport": fake.transport()}

    def due_and_token_refused() -> None:
        grant = manager.current()
        assert grant is not None
        fake.expire_token(grant.token)
        clock.now = START + LIFETIME - 600

    outcomes = run_calls(harness, kwargs, [lambda: None, due_and_token_refused])
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    assert answers(fake, "renewaccesstoken") == ["unauthorized"]
    assert fake.auth.logins == 2
    assert answers(fake, "liquidateposition") == ["result", "result"]


def test_clients_sharing_a_token_manager_share_one_session(harness: Harness) -> None:
    fake = make_fake()
    manager = TokenManager(credentials())
    kwargs = {"token": manager, "transport": fake.transport()}
    for _ in range(3):
        assert isinstance(harness.liquidate(kwargs, ACCOUNT, CONTRACT), LiquidationResult)
    assert fake.auth.logins == 1
    assert manager.sign_ins == 1


def test_warm_up_signs_in_then_renews_and_a_plain_token_sends_nothing(harness: Harness) -> None:
    fake = make_fake()
    manager = TokenManager(credentials())
    harness.run({"token": manager, "transport": fake.transport()}, lambda c: c.warm_up())
    assert (fake.auth.logins, fake.auth.renewals) == (1, 0)
    harness.run({"token": manager, "transport": fake.transport()}, lambda c: c.warm_up())
    assert (fake.auth.logins, fake.auth.renewals) == (1, 1)
    before = len(fake.requests)
    harness.run({"token": fake.issue_token(), "transport": fake.transport()}, lambda c: c.warm_up())
    assert len(fake.requests) == before


def test_keep_alive_renews_in_the_background_and_stops_on_close(harness: Harness) -> None:
    # Real time, short lifetime: renewal is due 3 s before the end (half of 6 s); the test
    # waits for it with a generous deadline instead of sleeping a fixed time.
    fake = make_fake(token_lifetime=6.0)
    kwargs = {"credentials": credentials(), "transport": fake.transport(), "keep_alive": True}

    def sync_use(client: Any) -> int:
        client.warm_up()
        deadline = time.monotonic() + 30
        while fake.auth.renewals < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        return sum(thread.name == "tradovate-keep-alive" for thread in threading.enumerate())

    async def async_use(client: Any) -> int:
        await client.warm_up()
        deadline = time.monotonic() + 30
        while fake.auth.renewals < 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return 1 if client._background is not None else 0

    running = harness.run(kwargs, sync_use if harness.kind == "sync" else async_use)
    assert running == 1
    assert fake.auth.renewals >= 1
    assert fake.auth.logins == 1
    time.sleep(0.1)
    assert not [t for t in threading.enumerate() if t.name == "tradovate-keep-alive"]
    renewals = fake.auth.renewals
    time.sleep(3.5)  # longer than the next renewal would take: nothing runs after close
    assert fake.auth.renewals == renewals

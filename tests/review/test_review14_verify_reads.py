"""review14: what verification's reads do when the server rate-limits them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import LiquidationResult, OutcomeUnknownError, TradovateError
from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock
from tradovate_liquidate.testing._transport import FakeTransport

from ..harness import Harness

ACCOUNT, CONTRACT = 100_001, 3_570_918


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


class LockedAfterThePost(FakeTransport):
    """The liquidation reaches the fake (and its answer is lost); from then on the fake
    locks the caller out (429), as it does to a client that sent too much."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        finally:
            if request.method == "POST":
                self.fake.lock_out(3600)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        finally:
            if request.method == "POST":
                self.fake.lock_out(3600)


class PenalisedReads(FakeTransport):
    """Every GET answers a time penalty of `seconds` (a ticket, no captcha)."""

    def __init__(self, fake: FakeTradovate, seconds: float) -> None:
        super().__init__(fake)
        self.seconds = seconds

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            answer = {"p-ticket": "t", "p-time": self.seconds}
            return httpx.Response(200, json=answer, request=request)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return self.handle_request(request)
        return await super().handle_async_request(request)


def outcome(harness: Harness, kwargs: dict[str, Any]) -> Any:
    try:
        return harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except TradovateError as error:
        return error


def test_review14_a_lost_answer_whose_reads_are_locked_out_is_an_unknown_outcome(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    """The closing order WAS placed (the answer was lost after acting), then verification's
    reads meet a 429. The call raises RateLimitError "Nothing was done." (CLI exit 3), not
    OutcomeUnknownError (exit 4): an operator told nothing was done may close by hand
    while our order works, and flip the position."""
    fake.inject(Fault.drop_connection())  # acts, then drops the connection
    kwargs = {"token": fake.issue_token(), "transport": LockedAfterThePost(fake), "clock": clock}
    error = outcome(harness, kwargs)
    assert len(fake.placed) == 1, "our closing order exists"
    assert isinstance(error, OutcomeUnknownError), repr(error)
    assert "nothing was done" not in error.message.lower(), error.message


def test_review14_penalised_reads_keep_verification_within_settle_timeout_and_a_deadline(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    """README, Verification: "No read, retry or round starts after settle_timeout ... the
    whole verification ends within settle_timeout plus one deadline". A time penalty on a
    read is waited out (up to max_penalty_wait, 60 s) and the read resent, whatever the
    settle window: exchange's Penalty steps do not look at the verification Budget."""
    fake.inject(Fault.drop_connection())
    kwargs = {
        "token": fake.issue_token(),
        "transport": PenalisedReads(fake, 8.0),
        "clock": clock,
        "settle_timeout": 1.0,
        "deadline": 2.0,
    }
    started = clock.time()
    error = outcome(harness, kwargs)
    assert not isinstance(error, LiquidationResult)
    took = clock.time() - started
    assert took <= 1.0 + 2.0, f"verification took {took:g} s (of the ManualClock) > 3 s"

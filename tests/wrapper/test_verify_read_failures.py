"""What verification's reads do when the server rate-limits them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import (
    LiquidationResult,
    OutcomeUnknownError,
    RateLimitError,
    TradovateError,
)
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


def test_a_lost_answer_whose_reads_are_locked_out_is_an_unknown_outcome(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    """The closing order was placed (the answer was lost after acting), then verification's
    reads meet a 429. Not RateLimitError "Nothing was done." (exit 3: an operator may close
    by hand while our order works and flip the position) but OutcomeUnknownError (exit 4),
    the 429 as its __cause__ so that a batch still stops sending; the target stays pending:
    the next call reads (and is refused again) before it could send."""
    fake.inject(Fault.drop_connection())  # acts, then drops the connection
    kwargs = {"token": fake.issue_token(), "transport": LockedAfterThePost(fake), "clock": clock}

    def twice(client: Any) -> Any:
        async def run() -> Any:
            errors = []
            for _ in range(2):
                try:
                    await client.liquidate_position(ACCOUNT, CONTRACT)
                except TradovateError as exc:
                    errors.append(exc)
            return errors

        if harness.kind == "async":
            return run()
        errors = []
        for _ in range(2):
            try:
                client.liquidate_position(ACCOUNT, CONTRACT)
            except TradovateError as exc:
                errors.append(exc)
        return errors

    error, again = harness.run(kwargs, twice)
    assert len(fake.placed) == 1, "our closing order exists"
    assert isinstance(error, OutcomeUnknownError), repr(error)
    assert "nothing was done" not in error.message.lower(), error.message
    assert isinstance(error.__cause__, RateLimitError), repr(error.__cause__)
    assert "RateLimitError" in error.message
    # Still pending: the next call's reads meet the lockout too, and nothing is sent.
    assert isinstance(again, OutcomeUnknownError), repr(again)
    assert isinstance(again.__cause__, RateLimitError), repr(again.__cause__)
    assert sum(r.method == "POST" for r in fake.requests) == 1


def test_penalised_reads_keep_verification_within_settle_timeout_and_a_deadline(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    """README, Verification: "No read, retry or round starts after settle_timeout ... the
    whole verification ends within settle_timeout plus one deadline". A time penalty whose
    wait would end after the settle window fails the read instead of being waited out
    (up to max_penalty_wait, 60 s) and resent: the outcome is unknown, in time."""
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
    assert isinstance(error, OutcomeUnknownError), repr(error)
    assert "time penalty of 8 s" in error.message
    assert not isinstance(error, LiquidationResult)
    took = clock.time() - started
    assert took <= 1.0 + 2.0, f"verification took {took:g} s (of the ManualClock) > 3 s"

"""A stopping error (a lockout, 429) met while verifying a liquidation that WAS sent
never turns that position into "not sent": it is that position's unknown outcome, and
it stops the account and the run (nothing more is sent into the lockout)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import OutcomeUnknownError, RateLimitError, TradovateError
from tradovate_liquidate._cli_report import accounts_report
from tradovate_liquidate.testing import FakeTradovate, ManualClock

from ..harness import Harness

ES = 3570918


class DropThenPenalty(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake acts on the liquidation, the answer is lost (connection dropped), and
    from then on the user is in a lockout (every read answers 429)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.fake, self.inner = fake, fake.transport()

    def _after(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/liquidateposition"):
            self.fake.lock_out()
            raise httpx.ReadError("connection dropped after sending", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self._after(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self._after(request)
        return response


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_positions(f"1:{ES}:2")
    return fake


def kwargs(fake: FakeTradovate, clock: ManualClock) -> dict[str, Any]:
    return {
        "token": fake.issue_token(),
        "transport": DropThenPenalty(fake),
        "clock": clock,
        "max_penalty_wait": 0,
    }


def test_accounts_a_sent_liquidation_is_never_reported_not_sent(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    with pytest.raises(RateLimitError) as caught:
        harness.run(kwargs(fake, clock), lambda client: client.liquidate_accounts([1]))
    assert len(fake.placed) == 1  # the closing order went out
    run = caught.value.accounts_result
    # The one position sent must have an outcome (unknown), not be absent.
    assert len(run[0].positions) == 1, f"sent, but reported as: {run[0].positions}"
    report = accounts_report(run, {}, "fake")
    outcomes = [row["outcome"] for row in report.rows if row["contract_id"] == ES]
    assert not any(o.startswith("not sent") for o in outcomes), outcomes
    assert report.code == 4  # sent, outcome unknown: 4 wins over 3


def test_account_a_sent_liquidation_is_in_the_stopping_errors_result(
    harness: Harness, fake: FakeTradovate, clock: ManualClock
) -> None:
    with pytest.raises(TradovateError) as caught:
        harness.run(kwargs(fake, clock), lambda client: client.liquidate_account(1))
    assert len(fake.placed) == 1
    result = caught.value.account_result
    assert len(result.positions) == 1, f"sent, but reported as: {result.positions}"


NQ = 3570919


@pytest.mark.parametrize("call", ["account", "accounts"])
def test_the_unknown_outcome_keeps_its_cause_and_nothing_more_is_sent(
    harness: Harness, fake: FakeTradovate, clock: ManualClock, call: str
) -> None:
    fake.add_positions(f"1:{NQ}:1")  # liquidated after ES, in contract id order

    def run(client: Any) -> Any:
        if call == "account":
            return client.liquidate_account(1)
        return client.liquidate_accounts([1], concurrency=1)

    with pytest.raises(RateLimitError) as caught:
        harness.run(kwargs(fake, clock), run)
    assert len(fake.placed) == 1  # ES only: the lockout stopped the account before NQ
    result = caught.value.account_result if call == "account" else caught.value.accounts_result[0]
    (outcome,) = result.positions
    assert isinstance(outcome, OutcomeUnknownError)
    assert outcome.contract_id == ES
    assert outcome.__cause__ is caught.value
    assert fake.position(1, NQ) == 1

"""A token source that fails mid-run, and a renewal that fails after a liquidation may
have been processed: within the error tree, the order ids kept, and never a message
saying no order was sent when one was."""

from __future__ import annotations

import traceback
from typing import Any

import httpx
import pytest

from tradovate_liquidate import (
    AuthenticationError,
    Credentials,
    LiquidationResult,
    OutcomeUnknownError,
    TradovateError,
)
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from ..wrapper.test_account_refresh_fails import RefuseAfterFirstLiquidation
from ..wrapper.test_refresh_fails_mid_call import SIGN_IN, DropThenRefused
from .conftest import Harness

ES, NQ = 3570918, 3570919
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"


class DropThenSignInFails(DropThenRefused):
    """The liquidation is acted on but its answer is lost; then every request is 401 and
    the sign-in that the renewal falls back to times out or answers 500."""

    def __init__(self, fake: FakeTradovate, how: str) -> None:
        super().__init__(fake)
        self.how = how

    def _fail(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(SIGN_IN):
            if self.how == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            return httpx.Response(500, text="oops", request=request)
        return httpx.Response(401, text="Access is denied", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.dropped:
            return self._fail(request)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.dropped:
            return self._fail(request)
        return await super().handle_async_request(request)


@pytest.mark.parametrize("how", ["timeout", "500"])
def test_unknown_outcome_message_never_says_no_order_was_sent(harness: Harness, how: str) -> None:
    """The closing order was sent (and placed), its answer lost; a verification read got
    a 401 and the renewal's sign-in failed. The OutcomeUnknownError (right, exit 4) quotes
    renewal_failed's text, which quotes sign_in_error's: "... No order was sent" (or
    "nothing else was sent"). read_failure strips only "nothing was done"."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_positions(f"1:{ES}:2")
    creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
    transport = DropThenSignInFails(fake, how)
    kwargs = {"credentials": creds, "transport": transport, "clock": clock, "connect_backoff": 0}
    with pytest.raises(OutcomeUnknownError) as caught:
        harness.liquidate(kwargs, 1, ES)
    assert len(fake.placed) == 1  # the closing order went out
    assert isinstance(caught.value.__cause__, AuthenticationError)
    text = "".join(traceback.format_exception(caught.value))
    assert PASSWORD not in text
    assert SEC not in text
    message = caught.value.message.lower()
    assert "no order was sent" not in message, caught.value.message
    assert "nothing else was sent" not in message, caught.value.message


@pytest.mark.parametrize("bad", [None, ""])
@pytest.mark.parametrize("call", ["many", "accounts"])
def test_token_callable_junk_at_a_later_job_stays_in_the_error_tree(
    harness: Harness, call: str, bad: object
) -> None:
    """A token callable whose store empties mid-run (returns None or "") after the first
    closing order was placed. At a renewal this is now an AuthenticationError that stops
    the run; at the start of the next job/target (_drive's first current_token) it is
    still a raw TypeError/ValueError: liquidate_many and liquidate_accounts crash outside
    TradovateError and the first target's order id is lost with the results."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time)
    token = fake.issue_token()
    transport = RefuseAfterFirstLiquidation(fake)

    def source() -> object:
        return bad if transport.refusing else token

    fake.add_positions(f"1:{ES}:2,1:{NQ}:1,2:{ES}:1")
    kwargs: dict[str, Any] = {"token": source, "transport": transport, "clock": clock}
    if call == "many":
        targets = [(1, ES), (1, NQ), (2, ES)]
        results = harness.run(kwargs, lambda c: c.liquidate_many(targets, concurrency=1))
        (placed,) = fake.placed
        assert isinstance(results[0], LiquidationResult)
        assert results[0].order_id == placed.order_id
        assert all(isinstance(r, AuthenticationError) for r in results[1:]), results
    else:
        with pytest.raises(TradovateError) as caught:
            harness.run(kwargs, lambda c: c.liquidate_accounts([1, 2], concurrency=1))
        assert isinstance(caught.value, AuthenticationError)
        run = caught.value.accounts_result  # type: ignore[attr-defined]
        (placed,) = fake.placed
        assert placed.order_id in [p.order_id for p in run[0].positions]

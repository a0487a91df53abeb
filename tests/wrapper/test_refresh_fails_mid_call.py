"""A renewal that fails mid-call, whatever the way (a sign-in meeting a 5xx or a timeout,
a token callable returning junk, a sign-in answered 408), ends the request that got the
401 as not processed and authentication failed: nothing more is sent with the refused
token, a 401 on a liquidation is never taken for one that may have been processed, and
no new session is claimed when none was signed in."""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

import httpx
import pytest

from tradovate_liquidate import Credentials, TradovateError
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from .conftest import Harness

ES, NQ, CL = 3570918, 3570919, 3570920
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"
SIGN_IN = "/auth/accesstokenrequest"


class RefusedFromLiquidation(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """From the first liquidation POST on, every request answers 401 (the token is
    refused, the renewal too), and the sign-in that follows answers 500."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.refusing = False
        self.paths: list[str] = []

    def _check(self, request: httpx.Request) -> httpx.Response | None:
        path = request.url.path.removeprefix("/v1")
        if path == "/order/liquidateposition":
            self.refusing = True
        self.paths.append(path)
        if not self.refusing:
            return None
        if path == SIGN_IN:
            return httpx.Response(500, text="oops", request=request)
        return httpx.Response(401, text="Access is denied", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        if refused is not None:
            return refused
        response = self.inner.handle_request(request)
        response.read()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        if refused is not None:
            return refused
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return response

    def after_failed_sign_in(self) -> list[str]:
        """The requests sent after the last sign-in (the one that failed)."""
        last = max(i for i, path in enumerate(self.paths) if path == SIGN_IN)
        return self.paths[last + 1 :]


def credentials_client(positions: str) -> tuple[FakeTradovate, RefusedFromLiquidation, Any]:
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_positions(positions)
    creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
    transport = RefusedFromLiquidation(fake)
    return fake, transport, {"credentials": creds, "transport": transport, "clock": clock}


def test_401_on_liquidation_then_sign_in_5xx_sends_nothing_more(harness: Harness) -> None:
    """The POST got a 401 (not processed) and renewing failed (sign-in 500): the call ends
    there, and the 401'd POST is never taken for a send of unknown outcome (no
    verification reads with the refused token)."""
    fake, transport, kwargs = credentials_client(f"1:{ES}:2")
    with pytest.raises(TradovateError) as caught:
        harness.liquidate(kwargs, 1, ES)
    assert not fake.placed
    assert transport.after_failed_sign_in() == [], (
        f"sent with a refused token after the renewal failed: {transport.after_failed_sign_in()}"
        f" ({type(caught.value).__name__}: {caught.value.message})"
    )


def test_account_stops_after_a_failed_renewal(harness: Harness) -> None:
    """liquidate_account, three positions: the first POST gets a 401, renewing fails
    (sign-in 500). The account must stop there, not go on with two more liquidation
    POSTs and position reads over the flat_timeout, each with the refused token."""
    _fake, transport, kwargs = credentials_client(f"1:{ES}:2,1:{NQ}:2,1:{CL}:2")
    with contextlib.suppress(TradovateError):
        harness.run(kwargs, lambda client: client.liquidate_account(1))
    sent_after = Counter(transport.after_failed_sign_in())
    assert not sent_after, f"sent with a refused token after the renewal failed: {sent_after}"


class DropThenRefused(RefusedFromLiquidation):
    """The liquidation is acted on but its answer is lost; then every request is 401."""

    def __init__(self, fake: FakeTradovate) -> None:
        super().__init__(fake)
        self.dropped = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.dropped:
            return httpx.Response(401, text="Access is denied", request=request)
        response = self.inner.handle_request(request)
        response.read()
        self._drop(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.dropped:
            return httpx.Response(401, text="Access is denied", request=request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self._drop(request)
        return response

    def _drop(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/liquidateposition"):
            self.dropped = True
            raise httpx.ReadError("connection dropped after sending", request=request)


@pytest.mark.parametrize("bad", [None, ""])
def test_token_callable_returning_no_token_on_renewal_is_an_unknown_outcome(
    harness: Harness, bad: object
) -> None:
    """A token callable that returns None or "" when asked again after the 401 (its store
    has nothing now), after a liquidation that was processed: an OutcomeUnknownError,
    never a TypeError/ValueError from outside the error tree."""
    from tradovate_liquidate import OutcomeUnknownError

    fake = FakeTradovate()
    fake.add_positions(f"1:{ES}:2")
    transport = DropThenRefused(fake)
    token = fake.issue_token()

    def source() -> object:
        return bad if transport.dropped else token

    kwargs = {"token": source, "transport": transport, "connect_backoff": 0}
    with pytest.raises(OutcomeUnknownError):
        harness.liquidate(kwargs, 1, ES)
    assert len(fake.placed) == 1  # the closing order went out


class SignIn408(RefusedFromLiquidation):
    def _check(self, request: httpx.Request) -> httpx.Response | None:
        answer = super()._check(request)
        if answer is not None and request.url.path.endswith(SIGN_IN):
            return httpx.Response(408, text="session closed", request=request)
        return answer


def test_sign_in_408_during_renewal_does_not_claim_a_new_session(harness: Harness) -> None:
    """The POST got a 401, the renewal a 401, the sign-in a 408. The renewal's error is
    now raised inside `inner`, so with_session's 408 rule (meant for a 408 answering the
    request itself) rewrites it: "A new session was signed in for the calls to come",
    although the sign-in just failed and none was (a second sign-in is tried, held)."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_positions(f"1:{ES}:2")
    creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
    transport = SignIn408(fake)
    kwargs = {"credentials": creds, "transport": transport, "clock": clock}
    with pytest.raises(TradovateError) as caught:
        harness.liquidate(kwargs, 1, ES)
    assert not fake.placed
    assert "new session was signed in" not in caught.value.message, caught.value.message

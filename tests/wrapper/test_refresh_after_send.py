"""A token renewal that fails after a liquidation POST that may have been processed
(a 401 on a verification read, then the token callable raising or the sign-in failing)
is that read's failure: the position's OutcomeUnknownError (exit 4), never "nothing was
done" or "not sent". The driver and the session carry the renewal out; they hand its
error back into the protocol (RefreshToken.error), where the read was."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import Credentials, OutcomeUnknownError, TradovateError
from tradovate_liquidate._cli_report import accounts_report
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from .conftest import Harness

ES = 3570918
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"


class DropThenRefused(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake acts on the liquidation, its answer is lost; from then on every request
    (reads, renewals, sign-ins) answers 401: the token is refused."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.fake, self.inner = fake, fake.transport()
        self.refusing = False

    def _refused(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, text="Access is denied", request=request)

    def _after(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/liquidateposition"):
            self.refusing = True
            raise httpx.ReadError("connection dropped after sending", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.refusing:
            return self._refused(request)
        response = self.inner.handle_request(request)
        response.read()
        self._after(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refusing:
            return self._refused(request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self._after(request)
        return response


def failing_source(token: str, transport: DropThenRefused) -> Any:
    """A token callable that fails once the token is refused (its store is unreachable)."""

    def source() -> str:
        if transport.refusing:
            raise RuntimeError("token store unreachable")
        return token

    return source


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def client_kwargs(kind: str, clock: ManualClock) -> tuple[FakeTradovate, dict[str, Any]]:
    if kind == "callable":
        fake = FakeTradovate(clock=clock.time)
        transport = DropThenRefused(fake)
        auth: dict[str, Any] = {"token": failing_source(fake.issue_token(), transport)}
    else:
        fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
        fake.auth.add_user(USER, PASSWORD, sec=SEC)
        creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
        auth = {"credentials": creds}
        transport = DropThenRefused(fake)
    fake.add_positions(f"1:{ES}:2")
    return fake, {**auth, "transport": transport, "clock": clock}


@pytest.mark.parametrize("kind", ["callable", "credentials"])
def test_position_sent_then_renewal_fails_is_unknown(
    harness: Harness, clock: ManualClock, kind: str
) -> None:
    fake, kwargs = client_kwargs(kind, clock)
    with pytest.raises(TradovateError) as caught:
        harness.liquidate(kwargs, 1, ES)
    assert len(fake.placed) == 1  # the closing order went out
    assert isinstance(caught.value, OutcomeUnknownError), (
        f"sent, but raised {type(caught.value).__name__}: {caught.value.message}"
    )


@pytest.mark.parametrize("kind", ["callable", "credentials"])
def test_accounts_sent_then_renewal_fails_is_never_not_sent(
    harness: Harness, clock: ManualClock, kind: str
) -> None:
    fake, kwargs = client_kwargs(kind, clock)
    with pytest.raises(TradovateError) as caught:
        harness.run(kwargs, lambda client: client.liquidate_accounts([1]))
    assert len(fake.placed) == 1
    run = caught.value.accounts_result  # type: ignore[attr-defined]
    report = accounts_report(run, {}, "fake")
    outcomes = [row["outcome"] for row in report.rows if row["contract_id"] == ES]
    assert outcomes
    assert not any(o.startswith("not sent") for o in outcomes), outcomes
    assert report.code == 4


@pytest.mark.parametrize("kind", ["callable", "credentials"])
def test_account_sent_then_renewal_fails_keeps_the_position(
    harness: Harness, clock: ManualClock, kind: str
) -> None:
    fake, kwargs = client_kwargs(kind, clock)
    with pytest.raises(TradovateError) as caught:
        harness.run(kwargs, lambda client: client.liquidate_account(1))
    assert len(fake.placed) == 1
    result = getattr(caught.value, "account_result", None)
    assert result is not None, f"no account_result on {type(caught.value).__name__}"
    assert len(result.positions) == 1, f"sent, but reported as: {result.positions}"
    assert isinstance(result.positions[0], OutcomeUnknownError)

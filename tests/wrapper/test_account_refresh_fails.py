"""liquidate_account with credentials (or a token callable): a token refused mid-account
whose renewal fails raises AuthenticationError WITH `account_result`, so the order id of
a position already liquidated in that account is not lost (the renewal's error is raised
inside account_steps, where the request was, and attached there)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import AuthenticationError, Credentials
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from .conftest import Harness

ES, NQ = 3570918, 3570919
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"


class RefuseAfterFirstLiquidation(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The first liquidation is answered normally (Success, orderId); every request
    after it answers 401 (the token is refused, and so is any sign-in)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.refusing = False

    def _check(self, request: httpx.Request) -> httpx.Response | None:
        if self.refusing:
            return httpx.Response(401, text="Access is denied", request=request)
        if request.url.path.endswith("/liquidateposition"):
            self.refusing = True
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        return refused if refused is not None else self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        if refused is not None:
            return refused
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("kind", ["callable", "credentials"])
def test_account_keeps_the_order_id_when_a_renewal_fails_mid_account(
    harness: Harness, kind: str
) -> None:
    clock = ManualClock()
    if kind == "callable":
        fake = FakeTradovate(clock=clock.time)
        token = fake.issue_token()
        transport = RefuseAfterFirstLiquidation(fake)

        def source() -> str:
            if transport.refusing:
                raise RuntimeError("token store unreachable")
            return token

        auth: dict[str, Any] = {"token": source}
    else:
        fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
        fake.auth.add_user(USER, PASSWORD, sec=SEC)
        transport = RefuseAfterFirstLiquidation(fake)
        creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
        auth = {"credentials": creds}
    fake.add_positions(f"1:{ES}:2,1:{NQ}:1")
    kwargs = {**auth, "transport": transport, "clock": clock}
    with pytest.raises(AuthenticationError) as caught:
        harness.run(kwargs, lambda client: client.liquidate_account(1))
    (placed,) = fake.placed  # ES was liquidated, NQ's POST met the 401
    result = getattr(caught.value, "account_result", None)
    assert result is not None, "the AuthenticationError carries no account_result"
    assert [getattr(o, "order_id", None) for o in result.positions][:1] == [placed.order_id]

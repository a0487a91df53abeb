"""A bulk liquidation sent, then a stopping error (a lockout) before its
positions were read back, must leave those positions pending, as a run that ends
normally does (_AccountsPlan._keep_bulk_pending): else the next call sends blind."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import RateLimitError
from tradovate_liquidate.testing import FakeTradovate

from .conftest import Harness

ES = 3570918


class LockOutAfterBulk(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The bulk liquidation is answered; from then on the user is locked out (429)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.fake, self.inner = fake, fake.transport()

    def _after(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/order/liquidatepositions"):
            self.fake.lock_out()

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


@pytest.mark.parametrize("confirm", [True, False])
def test_bulk_sent_then_locked_out_stays_pending(harness: Harness, confirm: bool) -> None:
    fake = FakeTradovate(fill_mode="never")  # the bulk's closing order stays working
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    kwargs: dict[str, Any] = {
        "token": fake.issue_token(),
        "transport": LockOutAfterBulk(fake),
        "max_penalty_wait": 0,
    }
    seen: dict[str, Any] = {}

    async def run_async(client: Any) -> None:
        try:
            await client.liquidate_accounts([1], method="bulk", confirm=confirm)
        except RateLimitError as exc:
            seen["error"] = exc
        seen["pending"] = client._pending.get((1, ES))
        seen["placed"] = len(fake.placed)
        fake._limiter._locked_until = 0.0  # the lockout is over: the operator runs it again
        seen["second"] = await client.liquidate_position(1, ES)

    def run_sync(client: Any) -> None:
        try:
            client.liquidate_accounts([1], method="bulk", confirm=confirm)
        except RateLimitError as exc:
            seen["error"] = exc
        seen["pending"] = client._pending.get((1, ES))
        seen["placed"] = len(fake.placed)
        fake._limiter._locked_until = 0.0
        seen["second"] = client.liquidate_position(1, ES)

    harness.run(kwargs, run_sync if harness.kind == "sync" else run_async)
    assert seen["placed"] == 1, "the bulk request was acted on"
    assert "error" in seen, "the settle reads met the lockout"
    # The closing order is working and nothing read it back: the position must be pending,
    # or the next liquidate_position / liquidate_accounts sends a second closing order blind.
    assert seen["pending"] is not None, "bulk-sent position not left pending after the stop"
    # The later call should have found the bulk's working order and sent nothing.
    assert len(fake.placed) == 1, f"a second closing order was sent blind: {fake.placed}"

"""A liquidation whose call ends while its request is out (the async caller cancelled,
Ctrl-C in the sync caller's thread) leaves its position pending: the request may have
reached the server, so the next call reads before sending, never a second closing
order blind. Found while reviewing whole-account runs; liquidate_position had it too."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ACCOUNT, CONTRACT = 1, 3570918


def seeded() -> FakeTradovate:
    fake = FakeTradovate(fill_mode="never")  # the first closing order stays working
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


def liquidations(fake: FakeTradovate) -> int:
    return sum(r.path.endswith("/order/liquidateposition") for r in fake.requests)


class InterruptedOnce(httpx.BaseTransport):
    """The first liquidation reaches the fake, then Ctrl-C arrives before its answer."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner, self.interrupted = fake.transport(), False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/liquidateposition") and not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return response


class HeldOnce(httpx.AsyncBaseTransport):
    """The first liquidation reaches the fake; its answer never comes (until cancelled)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner, self.sent = fake.transport(), asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/liquidateposition") and not self.sent.is_set():
            self.sent.set()
            await asyncio.Event().wait()
        return response


def test_ctrl_c_mid_send_leaves_the_position_pending_and_the_retry_reads_first() -> None:
    fake = seeded()
    client = LiquidationClient(token=fake.issue_token(), transport=InterruptedOnce(fake))
    with client:
        with pytest.raises(KeyboardInterrupt):
            client.liquidate_position(ACCOUNT, CONTRACT)
        assert client._pending.get((ACCOUNT, CONTRACT)) is not None
        client.liquidate_position(ACCOUNT, CONTRACT)  # finds our order working
    assert liquidations(fake) == 1
    assert fake.crossed_zero == set()


def test_a_cancelled_send_leaves_the_position_pending_and_the_retry_reads_first() -> None:
    fake = seeded()
    transport = HeldOnce(fake)

    async def main() -> None:
        async with AsyncLiquidationClient(token=fake.issue_token(), transport=transport) as c:
            call = asyncio.ensure_future(c.liquidate_position(ACCOUNT, CONTRACT))
            await transport.sent.wait()
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            assert c._pending.get((ACCOUNT, CONTRACT)) is not None
            await c.liquidate_position(ACCOUNT, CONTRACT)  # finds our order working

    asyncio.run(main())
    assert liquidations(fake) == 1
    assert fake.crossed_zero == set()

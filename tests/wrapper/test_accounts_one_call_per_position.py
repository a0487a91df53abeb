"""One call per position on a client (OneCallPerTarget): liquidate_account and
liquidate_accounts take the position's lock as liquidate_position does (a Hold step), so
side by side on one client they send one closing order, not two."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918


class SlowLiquidation(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The first liquidation's answer takes 0.3 s (the order is placed at once)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner, self.first = fake.transport(), True
        self.lock = threading.Lock()

    def _slow(self, request: httpx.Request) -> bool:
        with self.lock:
            slow = self.first and request.url.path.endswith("/liquidateposition")
            if slow:
                self.first = False
        return slow

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        slow = self._slow(request)
        response = self.inner.handle_request(request)
        if slow:
            time.sleep(0.3)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        slow = self._slow(request)
        response = await self.inner.handle_async_request(request)
        if slow:
            await asyncio.sleep(0.3)
        return response


def fresh() -> FakeTradovate:
    fake = FakeTradovate(fill_mode="never")  # closing orders stay working
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    return fake


def test_sync_liquidate_account_beside_liquidate_position_sends_one_closing_order() -> None:
    fake = fresh()
    with LiquidationClient(token=fake.issue_token(), transport=SlowLiquidation(fake)) as client:
        first = threading.Thread(target=client.liquidate_position, args=(1, ES))
        first.start()
        time.sleep(0.1)  # the position's liquidation is in flight
        client.liquidate_account(1, confirm=False)
        first.join()
    assert fake.peak_closing_orders.get((1, ES), 0) <= 1, fake.peak_closing_orders
    assert len(fake.placed) == 1, [o.order_id for o in fake.placed]


def test_async_liquidate_accounts_beside_liquidate_position_sends_one_closing_order() -> None:
    fake = fresh()

    async def main() -> None:
        transport = SlowLiquidation(fake)
        async with AsyncLiquidationClient(token=fake.issue_token(), transport=transport) as client:
            first = asyncio.create_task(client.liquidate_position(1, ES))
            await asyncio.sleep(0.1)
            await client.liquidate_accounts([1], confirm=False)
            await first

    asyncio.run(main())
    assert fake.peak_closing_orders.get((1, ES), 0) <= 1, fake.peak_closing_orders
    assert len(fake.placed) == 1, [o.order_id for o in fake.placed]


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_sync_liquidate_accounts_beside_liquidate_position_sends_one_closing_order(
    method: str,
) -> None:
    fake = fresh()
    with LiquidationClient(token=fake.issue_token(), transport=SlowLiquidation(fake)) as client:
        first = threading.Thread(target=client.liquidate_position, args=(1, ES))
        first.start()
        time.sleep(0.1)
        client.liquidate_accounts([1], confirm=False, method=method)
        first.join()
    assert len(fake.placed) == 1, [o.order_id for o in fake.placed]


def test_a_cancelled_liquidate_account_gives_its_locks_back() -> None:
    fake = fresh()

    async def main() -> None:
        transport = SlowLiquidation(fake)
        async with AsyncLiquidationClient(token=fake.issue_token(), transport=transport) as client:
            task = asyncio.create_task(client.liquidate_account(1, confirm=False))
            while not fake.placed:  # the liquidation is in flight, under the lock
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert client._one_call_per_target._table._locks == {}
            await client.liquidate_position(1, ES)  # not left waiting for a lock

    asyncio.run(main())

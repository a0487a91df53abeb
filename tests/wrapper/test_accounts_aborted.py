"""A liquidate_accounts run that ends by an exception outside the error tree (a cancelled
caller, Ctrl-C, a bug in a worker) keeps every position it sent in bulk pending: the next
call reads before sending anything for them, instead of a second closing order blind."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
ACCOUNTS = list(range(450_001, 450_011))


def is_bulk(request: httpx.Request) -> bool:
    return request.url.path.endswith("/order/liquidatepositions")


class BulkThenBug(httpx.BaseTransport):
    """The fake's transport; the first bulk request reaches the fake, then the transport
    raises a bug of its own (not an httpx error) instead of answering."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.bug = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if is_bulk(request) and self.bug:
            self.bug = False
            raise RuntimeError("a bug after the bulk request was sent")
        return response


class BulkNeverAnswered(httpx.AsyncBaseTransport):
    """The fake's transport; the bulk request reaches the fake, its answer never comes."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.bulk_sent = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if is_bulk(request):
            self.bulk_sent.set()
            await asyncio.Event().wait()  # until cancelled
        return response


def seeded() -> FakeTradovate:
    fake = FakeTradovate(fill_mode="never")  # the bulk's closing orders stay working
    fake.add_positions([(account, ES, 2) for account in ACCOUNTS])
    return fake


def test_a_bug_after_a_bulk_send_leaves_its_positions_pending() -> None:
    fake = seeded()
    kwargs: dict[str, Any] = {"token": fake.issue_token(), "transport": BulkThenBug(fake)}
    with LiquidationClient(**kwargs) as client:
        with pytest.raises(RuntimeError, match="a bug after the bulk"):
            client.liquidate_accounts(ACCOUNTS, method="bulk")
        assert all(client._pending.get((account, ES)) is not None for account in ACCOUNTS)
        run = client.liquidate_accounts(ACCOUNTS, method="bulk", confirm=False)
    bulks = [r for r in fake.requests if r.path.endswith("/liquidatepositions")]
    assert len(bulks) == 1  # read first, found working: nothing sent again
    assert all(fake.position(account, ES) == 2 for account in ACCOUNTS)
    assert all(not result.flat for result in run)


def test_a_cancelled_caller_leaves_what_bulk_sent_pending() -> None:
    fake = seeded()
    transport = BulkNeverAnswered(fake)

    async def main() -> list[bool]:
        async with AsyncLiquidationClient(token=fake.issue_token(), transport=transport) as c:
            run = asyncio.ensure_future(c.liquidate_accounts(ACCOUNTS, method="bulk"))
            await transport.bulk_sent.wait()
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
            return [c._pending.get((account, ES)) is not None for account in ACCOUNTS]

    assert asyncio.run(main()) == [True] * len(ACCOUNTS)


def test_nothing_new_starts_after_a_worker_meets_a_bug() -> None:
    """The other workers stop taking jobs once one raised outside the tree."""
    fake = seeded()
    started = threading.Event()

    class BugOnFirstRead(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = fake.transport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/position/ldeps") and not started.is_set():
                started.set()
                raise RuntimeError("a bug in the transport")
            return self.inner.handle_request(request)

    client = LiquidationClient(token=fake.issue_token(), transport=BugOnFirstRead())
    with client, pytest.raises(RuntimeError, match="a bug in the transport"):
        client.liquidate_accounts(ACCOUNTS, method="bulk")
    assert not any(r.path.endswith("/liquidatepositions") for r in fake.requests)

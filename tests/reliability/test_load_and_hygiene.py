"""Load through the async client (quick size here; 5,000 at 100 in make bench), and no leaks."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate

LOAD_CALLS, LOAD_CONCURRENCY = 1000, 100


def test_load_every_call_ends_in_one_outcome_matching_the_fakes_log() -> None:
    fake = FakeTradovate(open_book=True)
    token = fake.issue_token()
    fake.add_account(7, status="locked")  # some typed errors among the results

    async def main() -> list[object]:
        async with AsyncLiquidationClient(token, base_url=server.base_url) as client:
            targets = [(account, 1) for account in range(1, LOAD_CALLS + 1)]
            return list(await client.liquidate_many(targets, concurrency=LOAD_CONCURRENCY))

    with fake.serve() as server:
        outcomes = asyncio.run(main())
    assert len(outcomes) == LOAD_CALLS
    results = [outcome for outcome in outcomes if isinstance(outcome, LiquidationResult)]
    assert len(results) == LOAD_CALLS - 1
    assert sorted(r.order_id for r in results) == sorted(order.order_id for order in fake.placed)
    assert len(fake.requests) == LOAD_CALLS, "nothing lost, nothing sent twice"
    assert sorted(r.account_id for r in results) == [a for a in range(1, LOAD_CALLS + 1) if a != 7]


def _open_file_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settled(count: Callable[[], int], baseline: int, seconds: float = 3.0) -> int:
    deadline = time.monotonic() + seconds
    # No gc.collect() here: closing must release everything, not the garbage collector.
    while time.monotonic() < deadline and count() > baseline:
        time.sleep(0.02)
    return count()


def test_closing_clients_leaves_no_threads_sockets_or_descriptors() -> None:
    fake = FakeTradovate(open_book=True)
    token = fake.issue_token()
    with fake.serve() as server:
        threads, descriptors = threading.active_count(), _open_file_descriptors()
        with LiquidationClient(token, base_url=server.base_url) as client:
            client.liquidate_many([(account, 1) for account in range(1, 41)], concurrency=8)
            client.liquidate_position(99, 1)

        async def main() -> None:
            async with AsyncLiquidationClient(token, base_url=server.base_url) as client:
                await client.liquidate_many(
                    [(account, 2) for account in range(1, 41)], concurrency=8
                )

        asyncio.run(main())
        assert _settled(lambda: server.open_connections, 0) == 0, (
            "the server still sees open connections"
        )
        assert _settled(threading.active_count, threads) == threads, "threads outlived the clients"
        assert _settled(_open_file_descriptors, descriptors) <= descriptors, (
            "sockets outlived the clients"
        )

"""Many liquidations at once against two servers answering after 50 ms, and the full load.

The servers: the fake (its stdlib threaded server, in its own process) and an independent
aiohttp app (bench/aioserver.py, its own process), so that no figure depends on the fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate

from .common import PATH, TOKEN, Row, at_most, fake_process
from .previous_pools import PreviousAsyncPool, PreviousPool

TARGETS, CONCURRENCY, LATENCY = 1000, 50, 0.05
IDEAL = TARGETS / CONCURRENCY * LATENCY
#: The references (stock httpx, about 9 s for the full batch; the previous pools) run a
#: quarter of it, against a quarter of the ideal, which keeps `make bench` under 3 minutes.
REFERENCE_TARGETS = 250
HERE = Path(__file__).resolve().parent
BODY = {"admin": False, "isAutomated": True}

Runner = Callable[[str, int], float]


def _targets(contract_id: int, count: int = TARGETS) -> list[tuple[int, int]]:
    return [(account, contract_id) for account in range(1, count + 1)]


def _async_many(count: int = TARGETS, **client_kwargs: Any) -> Runner:
    def run(base_url: str, contract_id: int) -> float:
        async def main() -> float:
            async with AsyncLiquidationClient(TOKEN, base_url=base_url, **client_kwargs) as client:
                started = time.perf_counter()
                outcomes = await client.liquidate_many(
                    _targets(contract_id, count), concurrency=CONCURRENCY
                )
                elapsed = time.perf_counter() - started
            assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
            return elapsed / _ideal(count)

        return asyncio.run(main())

    return run


def _sync_many(count: int = TARGETS, **client_kwargs: Any) -> Runner:
    def run(base_url: str, contract_id: int) -> float:
        transport = client_kwargs.get("transport")
        with LiquidationClient(TOKEN, base_url=base_url, **client_kwargs) as client:
            started = time.perf_counter()
            outcomes = client.liquidate_many(_targets(contract_id, count), concurrency=CONCURRENCY)
            elapsed = time.perf_counter() - started
        if transport is not None:
            transport.close()
        assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
        return elapsed / _ideal(count)

    return run


def _ideal(count: int) -> float:
    return count / CONCURRENCY * LATENCY


def _previous_async(base_url: str, contract_id: int) -> float:
    return _async_many(REFERENCE_TARGETS, transport=PreviousAsyncPool())(base_url, contract_id)


def _previous_sync(base_url: str, contract_id: int) -> float:
    return _sync_many(REFERENCE_TARGETS, transport=PreviousPool())(base_url, contract_id)


def stock_httpx(base_url: str, contract_id: int) -> float:
    """Plain httpx.AsyncClient with a pool as large as the concurrency: REFERENCE_TARGETS posts."""

    async def main() -> float:
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as http:
            return await _workers(
                REFERENCE_TARGETS,
                lambda account: _post_httpx(http, account, contract_id),
            )

    return asyncio.run(main()) / _ideal(REFERENCE_TARGETS)


async def _post_httpx(http: httpx.AsyncClient, account: int, contract_id: int) -> None:
    answer = await http.post(PATH, json={"accountId": account, "contractId": contract_id, **BODY})
    answer.raise_for_status()
    answer.json()


def raw_aiohttp(base_url: str, contract_id: int) -> float:
    """aiohttp's own client, no httpx and no policy: the floor on this machine."""
    import aiohttp

    async def main() -> float:
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

            async def post(account: int) -> None:
                body = {"accountId": account, "contractId": contract_id, **BODY}
                async with session.post(base_url + PATH, json=body) as answer:
                    answer.raise_for_status()
                    await answer.json()

            return await _workers(TARGETS, post)

    return asyncio.run(main()) / IDEAL


async def _workers(count: int, post: Callable[[int], Awaitable[None]]) -> float:
    accounts = iter(range(1, count + 1))

    async def worker() -> None:
        for account in accounts:
            await post(account)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - started


CONTENDERS: dict[str, tuple[Runner, float | None]] = {
    "async liquidate_many (default pool)": (_async_many(), 1.3),
    "sync liquidate_many (default pool)": (_sync_many(), 1.3),
    "async liquidate_many, http_backend='aiohttp'": (_async_many(http_backend="aiohttp"), 1.2),
    f"async liquidate_many, previous pools ({REFERENCE_TARGETS} targets)": (_previous_async, None),
    f"sync liquidate_many, previous pools ({REFERENCE_TARGETS} targets)": (_previous_sync, None),
    f"stock httpx.AsyncClient ({REFERENCE_TARGETS} targets)": (stock_httpx, None),
    "raw aiohttp client": (raw_aiohttp, None),
}


@contextlib.contextmanager
def aiohttp_process() -> Iterator[str]:
    """The independent server (bench/aioserver.py) in its own process."""
    command = [sys.executable, "-m", "bench.aioserver", "--latency", str(LATENCY)]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the aiohttp server did not start")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def batches(rounds: int = 3) -> list[Row]:
    """Wall time / ideal for every contender against both servers, interleaved rounds.

    Each round runs every contender once against each server, in a fresh (seeded) random
    order; a row is the median of the rounds. The machine is shared, so the ratios of one
    run move together: compare them side by side, not across runs.
    """
    shuffle = random.Random(20261126).shuffle  # noqa: S311 - an order, not a secret
    ratios: dict[tuple[str, str], list[float]] = {}
    with fake_process("--latency", str(LATENCY)) as fake_url, aiohttp_process() as aio_url:
        servers = {"fake": fake_url, "aiohttp server": aio_url}
        contract = 0
        for _ in range(rounds):
            order = [(name, server) for name in CONTENDERS for server in servers]
            shuffle(order)
            for name, server in order:
                contract += 1  # fresh positions every run: each is really liquidated
                run, _ = CONTENDERS[name]
                ratios.setdefault((name, server), []).append(run(servers[server], contract))
    rows = []
    for name, (_, target) in CONTENDERS.items():
        for server in servers:
            value = statistics.median(ratios[(name, server)])
            label = f"bulk at {CONCURRENCY}, wall / ideal: {name} [{server}]"
            rows.append(
                Row(label, value, "ratio") if target is None else at_most(label, value, target)
            )
    return rows


def load(calls: int = 5000, concurrency: int = 100) -> list[Row]:
    """5,000 liquidations at concurrency 100 over loopback; the fake's log and outcomes agree."""
    fake = FakeTradovate(open_book=True)
    fake.accept_token(TOKEN)

    async def main() -> tuple[list[object], float]:
        async with AsyncLiquidationClient(TOKEN, base_url=server.base_url) as client:
            started = time.perf_counter()
            outcomes = await client.liquidate_many(
                [(a, 1) for a in range(1, calls + 1)], concurrency=concurrency
            )
            return list(outcomes), time.perf_counter() - started

    with fake.serve() as server:
        outcomes, elapsed = asyncio.run(main())
    order_ids = [outcome.order_id for outcome in outcomes if isinstance(outcome, LiquidationResult)]
    agree = (
        sorted(order_ids) == sorted(order.order_id for order in fake.placed)
        and len(set(order_ids)) == calls
    )
    return [
        Row(
            f"load {calls} at {concurrency}: throughput (fake in-process)",
            calls / elapsed,
            "calls/s",
        ),
        Row(
            f"load {calls} at {concurrency}: outcomes and fake log agree one to one",
            float(agree),
            "bool",
            "= 1",
            agree,
        ),
    ]

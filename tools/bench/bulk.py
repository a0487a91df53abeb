"""Many liquidations at once against the fake with added latency, and the full-size load."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate

from .common import PATH, TOKEN, Row, at_most, fake_process

TARGETS, CONCURRENCY, LATENCY = 1000, 50, 0.05
IDEAL = TARGETS / CONCURRENCY * LATENCY
HERE = Path(__file__).resolve().parent


def async_batch(base_url: str, contract_id: int) -> float:
    """Wall seconds for AsyncLiquidationClient.liquidate_many over TARGETS positions."""

    async def main() -> float:
        async with AsyncLiquidationClient(TOKEN, base_url=base_url) as client:
            started = time.perf_counter()
            outcomes = await client.liquidate_many(
                [(a, contract_id) for a in range(1, TARGETS + 1)], concurrency=CONCURRENCY
            )
            elapsed = time.perf_counter() - started
        assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
        return elapsed

    return asyncio.run(main())


def sync_batch(base_url: str, contract_id: int) -> float:
    with LiquidationClient(TOKEN, base_url=base_url) as client:
        started = time.perf_counter()
        outcomes = client.liquidate_many(
            [(a, contract_id) for a in range(1, TARGETS + 1)], concurrency=CONCURRENCY
        )
        elapsed = time.perf_counter() - started
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes)
    return elapsed


def raw_httpx_floor(base_url: str, contract_id: int) -> float:
    """The same posts through raw httpx at its best: one single-connection client per worker."""

    async def main() -> float:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        clients = [
            httpx.AsyncClient(
                base_url=base_url, headers=headers, limits=httpx.Limits(max_connections=1)
            )
            for _ in range(CONCURRENCY)
        ]
        accounts = iter(range(1, TARGETS + 1))

        async def worker(http: httpx.AsyncClient) -> None:
            for account in accounts:
                (
                    await http.post(
                        PATH, json={"accountId": account, "contractId": contract_id, "admin": False}
                    )
                ).json()

        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for http in clients))
        elapsed = time.perf_counter() - started
        for http in clients:
            await http.aclose()
        return elapsed

    return asyncio.run(main())


def _in_child_without_failed_imports(function: str, base_url: str, contract_id: int) -> float:
    """Run a batch in a child where `import sniffio` fails at once, as it does when installed.

    httpcore tries `import sniffio` for every lock it makes; when sniffio is not installed
    each try searches every sys.path entry again. This measures what that search costs.
    """
    code = (
        "import sys, json; sys.modules['sniffio'] = None; "
        f"from bench.bulk import {function}; "
        f"print(json.dumps({function}({base_url!r}, {contract_id})))"
    )
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(json.loads(done.stdout))


def batches(repeats: int = 3) -> list[Row]:
    """Best of `repeats` for each variant, alternating, against one fake with 50 ms latency."""
    variants = {
        "async liquidate_many": async_batch,
        "sync liquidate_many": sync_batch,
        "raw httpx, one client per worker": raw_httpx_floor,
    }
    best: dict[str, float] = {}
    with fake_process("--latency", str(LATENCY)) as base_url:
        contract = 0
        for _ in range(repeats):
            for name, run in variants.items():
                contract += 1  # fresh positions every run: each is really liquidated
                best[name] = min(best.get(name, float("inf")), run(base_url, contract))
            contract += 1
            name = "async liquidate_many, sniffio importable"
            best[name] = min(
                best.get(name, float("inf")),
                _in_child_without_failed_imports("async_batch", base_url, contract),
            )
    rows = [
        Row(f"bulk {TARGETS} at {CONCURRENCY}, {LATENCY * 1000:g} ms: {name}", seconds, "s")
        for name, seconds in best.items()
    ]
    rows.append(at_most("bulk: async wall / ideal", best["async liquidate_many"] / IDEAL, 1.2))
    rows.append(at_most("bulk: sync wall / ideal", best["sync liquidate_many"] / IDEAL, 1.2))
    rows.append(
        Row(
            "bulk: raw httpx floor / ideal",
            best["raw httpx, one client per worker"] / IDEAL,
            "ratio",
        )
    )
    rows.append(
        Row(
            "bulk: async / raw httpx floor",
            best["async liquidate_many"] / best["raw httpx, one client per worker"],
            "ratio",
        )
    )
    rows.append(
        Row(
            "bulk: async (sniffio importable) / ideal",
            best["async liquidate_many, sniffio importable"] / IDEAL,
            "ratio",
        )
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

"""liquidate_accounts' request budget and wall time, against the naive way (issue 16).

The fake (bench/accountserver.py, its own process, real HTTP on loopback) answers every
request LATENCY (20 ms) after it arrived, its own work inside that time as a real
server's is (testing/_wire.left_to_wait), and fills closing orders at once (fill_delay
0), so one settling read finds every account flat. It holds OPEN accounts with 2 open
positions each and FLAT accounts with nothing open. Three runs on AsyncLiquidationClient, each on a
freshly seeded fake, each with CONCURRENCY requests at once, all three repeated ROUNDS
times, bulk REPEATS times a round (median wall):

- `liquidate_accounts(method="per-position")` (confirm=True, the default);
- `liquidate_accounts(method="bulk")`;
- the naive way: `positions(account)` (one GET /position/deps) for every account, then
  `liquidate_many` over every open (account, contract), confirm=False: it never reads the
  positions back, which is generous to it (fewer requests, less time).

Requests are counted AT THE FAKE; for the two methods they must equal the AccountsRun's
`requests`, and after every run every seeded position must read 0 at the fake (and every
AccountResult say flat). Any of these failing raises: a run that "wins" by not
flattening, or by miscounting, is no result.

The ideal wall time is the one of the issue's goal: the method's steps (reads, then
liquidations, then settling reads) each waiting for the one before, a step of n requests
at concurrency c taking ceil(n / c) rounds of LATENCY. The ideal is the sum over the
method's steps, counting only the requests the method cannot avoid (for settling: one
read of each chunk of accounts that held a position), not the ones it happened to send.
It ignores the client's and the fake's own CPU time, connection set-up and the time to
read the answers. With r(n) = ceil(n / c):
per-position  (r(1 + 2 ceil(A/100)) + r(P) + r(ceil(O/100))) x latency
bulk          (r(1 + 2 ceil(A/100)) + r(ceil(P/100)) + r(ceil(O/100))) x latency
naive         (r(A) + r(P)) x latency
with A accounts, O of them open, P open positions (2 ceil(A/100): the position and the
order reads; no stray working orders here, so no cancels).

The client does not wait step by step: a chunk's liquidations start once its own reads
are in, and its settling read once its liquidations end (_arrivals.py), so it may beat
that ideal. Printed beside it, without a target, is the bound no schedule can beat: all
N requests in ceil(N / c) rounds, and at least one round per step of the chain (read,
liquidate, settle; naive: read, liquidate).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradovate_liquidate import AsyncLiquidationClient, LiquidationResult

from .accountserver import CONTRACTS, accounts
from .common import TOKEN, Row, at_most

OPEN, FLAT, CONCURRENCY, LATENCY = 500, 500, 8, 0.02
ROUNDS = 3
#: Runs of a method per round: bulk's run is a tenth of a second (a fifth of it the
#: client's and the fake's CPU), so one slow tick of the shared machine moves its ratio
#: by 0.1; nine runs make its median steady (the others take seconds, three suffice).
REPEATS = {"bulk": 3}
CHUNK = 100  # LDEPS_CHUNK and BULK_CHUNK of _accounts_steps.py
HERE = Path(__file__).resolve().parent
METHODS = ("per-position", "bulk", "naive")


@dataclass
class Measured:
    wall: float
    at_fake: Counter[str]
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def account_server(report: dict[str, Any]) -> Iterator[str]:
    """A freshly seeded fake; on leaving, `report` gets what it received and holds."""
    command = [sys.executable, "-m", "bench.accountserver", "--latency", str(LATENCY)]
    command += ["--open", str(OPEN), "--flat", str(FLAT), "--token", TOKEN]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the seeded fake did not start")
        yield base_url
        output, _ = process.communicate(timeout=60)  # closing stdin stops it
        report.update(json.loads(output))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def ideal(method: str, concurrency: int = CONCURRENCY) -> float:
    """The rounds the method cannot avoid, times the latency (see the module docstring)."""
    total, positions = OPEN + FLAT, OPEN * len(CONTRACTS)

    def rounds(requests: int) -> int:
        return math.ceil(requests / concurrency)

    settle = rounds(math.ceil(OPEN / CHUNK))
    reads = rounds(1 + 2 * math.ceil(total / CHUNK))  # positions and orders
    if method == "per-position":
        phases = reads + rounds(positions) + settle
    elif method == "bulk":
        phases = reads + rounds(math.ceil(positions / CHUNK)) + settle
    else:
        phases = rounds(total) + rounds(positions)
    return phases * LATENCY


def bound(method: str, concurrency: int = CONCURRENCY) -> float:
    """The time no schedule of the method's requests can beat (see the module docstring)."""
    chain = 2 if method == "naive" else 3
    return max(math.ceil(expected_requests(method) / concurrency), chain) * LATENCY


def expected_requests(method: str) -> int:
    """What each method costs here when every answer is clean and fills are immediate."""
    total, positions = OPEN + FLAT, OPEN * len(CONTRACTS)
    reads = 1 + 2 * math.ceil(total / CHUNK) + math.ceil(OPEN / CHUNK)
    if method == "per-position":
        return reads + positions
    if method == "bulk":
        return reads + math.ceil(positions / CHUNK)
    return total + positions


async def _bounded(calls: list[Callable[[], Awaitable[Any]]], concurrency: int) -> list[Any]:
    """Every call, `concurrency` at a time, results in order (as liquidate_many runs)."""
    results: list[Any] = [None] * len(calls)
    pending = iter(enumerate(calls))

    async def worker() -> None:
        for index, call in pending:
            results[index] = await call()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def _naive(client: AsyncLiquidationClient, ids: list[int]) -> list[str]:
    reads = [lambda a=a: client.positions(a) for a in ids]
    rows = await _bounded(reads, CONCURRENCY)
    pairs = [(p.account_id, p.contract_id) for read in rows for p in read if p.net_pos]
    outcomes = await client.liquidate_many(pairs, concurrency=CONCURRENCY)
    failed = zip(pairs, outcomes, strict=True)
    return [f"{pair}: {o!r}" for pair, o in failed if not isinstance(o, LiquidationResult)]


def measure(method: str) -> Measured:
    open_ids, flat_ids = accounts(OPEN, FLAT)
    ids = sorted(open_ids + flat_ids)
    report: dict[str, Any] = {}

    async def main(base_url: str) -> tuple[float, list[str], Counter[str] | None]:
        async with AsyncLiquidationClient(TOKEN, base_url=base_url) as client:
            started = time.perf_counter()
            if method == "naive":
                problems = await _naive(client, ids)
                return time.perf_counter() - started, problems, None
            run = await client.liquidate_accounts(ids, method=method, concurrency=CONCURRENCY)
            wall = time.perf_counter() - started
        problems = [f"{r.account_id}: flat={r.flat} error={r.error!r}" for r in run if not r.flat]
        return wall, problems, run.requests

    gc.collect()  # the previous run's garbage is not this run's cost
    with account_server(report) as base_url:
        wall, problems, counted = asyncio.run(main(base_url))
    at_fake = Counter(report["requests"])
    problems += [f"{a}/{c} still reads {n} at the fake" for a, c, n in report["not_flat"]]
    if counted is not None and counted != at_fake:
        problems.append(f"AccountsRun.requests {dict(counted)} != at the fake {dict(at_fake)}")
    return Measured(wall, at_fake, problems)


def budget(rounds: int = ROUNDS) -> list[Row]:
    """Requests and wall time of both methods and the naive way; raises unless all flat.

    `rounds` rounds, each running the three in turn on fresh fakes (bulk REPEATS times);
    a wall figure is the median of its runs (bulk's ideal is 0.1 s, so one run is at the
    mercy of the shared machine). The request counts must be the same in every round.
    """
    runs: dict[str, list[Measured]] = {method: [] for method in METHODS}
    for _ in range(rounds):
        for method in METHODS:
            runs[method] += [measure(method) for _ in range(REPEATS.get(method, 1))]
    failed = {m: got.problems[:5] for m, all_ in runs.items() for got in all_ if got.problems}
    if failed:
        raise RuntimeError(f"liquidate_accounts bench: not flattened or miscounted: {failed}")
    if any(len({tuple(sorted(g.at_fake.items())) for g in all_}) != 1 for all_ in runs.values()):
        raise RuntimeError("liquidate_accounts bench: request counts differ between rounds")
    measured = {
        m: Measured(statistics.median(g.wall for g in all_), all_[0].at_fake)
        for m, all_ in runs.items()
    }
    scene = f"{OPEN} open x2 + {FLAT} flat accounts, c={CONCURRENCY}, {LATENCY * 1000:g} ms"
    rows = []
    for method, got in measured.items():
        sent = sum(got.at_fake.values())
        rows.append(Row(f"accounts ({scene}): requests at the fake, {method}", sent, "requests"))
        if sent != expected_requests(method):
            rows[-1].target, rows[-1].ok = f"= {expected_requests(method)}", False
    naive = sum(measured["naive"].at_fake.values())
    for method in ("bulk", "per-position"):
        ratio = sum(measured[method].at_fake.values()) / naive
        label = f"accounts: requests, {method} / naive"
        rows.append(at_most(label, ratio, 0.05) if method == "bulk" else Row(label, ratio, "ratio"))
    for method, got in measured.items():
        rows.append(Row(f"accounts: wall, {method}", got.wall, "s"))
        label = f"accounts: wall / ideal ({ideal(method):.2f} s), {method}"
        ratio = got.wall / ideal(method)
        rows.append(Row(label, ratio, "ratio") if method == "naive" else at_most(label, ratio, 1.5))
        label = f"accounts: wall / any-schedule bound ({bound(method):.2f} s), {method}"
        rows.append(Row(label, got.wall / bound(method), "ratio"))
    return rows

"""Pieces every benchmark uses: the fake in its own process, timing, result rows."""

from __future__ import annotations

import contextlib
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

TOKEN = "bench-token"  # noqa: S105 - the fake's token, valid nowhere else
PATH = "/order/liquidateposition"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: a figure with no target

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def at_most(name: str, value: float, limit: float, unit: str = "ratio") -> Row:
    return Row(name, value, unit, f"<= {limit:g}", value <= limit)


@contextlib.contextmanager
def fake_process(*options: str) -> Iterator[str]:
    """The fake served by its real server in a separate process (its own core and GIL)."""
    command = [
        sys.executable,
        "-m",
        "tradovate_liquidate.testing",
        "--open-book",
        "--empty",
        "--token",
        TOKEN,
    ]
    process = subprocess.Popen(
        [*command, *options], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the fake did not start")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def interleaved(
    contenders: dict[str, Callable[[], object]], calls: int, rounds: int
) -> dict[str, list[float]]:
    """Microseconds per call for each contender, per round.

    The contenders take turns call by call, each call timed on its own, and every turn is
    in a fresh (seeded) random order: with a fixed order, who goes first and who follows
    whom moved the ratios over loopback by 3%, more than the differences being measured.
    """
    names = list(contenders)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    shuffle = random.Random(20261123).shuffle  # noqa: S311 - an order, not a secret
    order = names[:]
    for _ in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        for _ in range(calls):
            shuffle(order)
            for name in order:
                started = clock()
                contenders[name]()
                spent[name] += clock() - started
        for name in names:
            per_round[name].append(spent[name] / calls * 1e6)
    return per_round


def median_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median of the per-round ratios: each round's pair ran side by side."""
    return statistics.median(n / d for n, d in zip(numerator, denominator, strict=True))

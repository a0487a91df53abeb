"""What the command line prints and the exit code it ends with, for a list of outcomes."""

from __future__ import annotations

import argparse
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import urlsplit

from ._batch import Outcome
from ._config import resolve_base_url
from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationRejected,
    NotFlatError,
    NotLiquidatedError,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
)
from ._result import LiquidationResult

EXIT_OK, EXIT_NOT_LIQUIDATED, EXIT_USAGE, EXIT_AUTH_OR_RATE, EXIT_UNKNOWN = 0, 1, 2, 3, 4
EXIT_NOT_FLAT = 5
# The worst outcome of a batch decides the code: an unknown outcome is worse than one
# known to be still closing.
_SEVERITY = (EXIT_OK, EXIT_NOT_LIQUIDATED, EXIT_AUTH_OR_RATE, EXIT_NOT_FLAT, EXIT_UNKNOWN)


class UsageError(Exception):
    """Bad command-line input: printed and answered with exit code 2."""


def _worst(codes: Iterable[int]) -> int:
    """The exit code of a run: the worst of its outcomes' (4 over 5, 5 over 3, 3 over 1)."""
    return max(codes, default=EXIT_OK, key=_SEVERITY.index)


class _Progress:
    """One line on a terminal's stderr, rewritten as each position finishes."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self._total, self._stream = total, stream
        self._done = self._failed = 0
        self._lock = threading.Lock()

    def __call__(self, index: int, outcome: Outcome) -> None:
        with self._lock:
            self._done += 1
            self._failed += not isinstance(outcome, LiquidationResult)
            self._stream.write(f"\r[{self._done}/{self._total}] {self._failed} not liquidated")
            self._stream.flush()

    def finish(self) -> None:
        self._stream.write("\n")


def _tried(args: argparse.Namespace) -> str:
    """host:port the command connected to, for a message saying which one failed."""
    parts = urlsplit(resolve_base_url(args.env, args.base_url))
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def _row(outcome: Outcome, tried: str) -> dict[str, Any]:
    if isinstance(outcome, LiquidationResult):
        label = "liquidated" if outcome.order_id is not None else "already flat"
        if outcome.verified:
            label += " (verified)"
        return {
            "account_id": outcome.account_id,
            "contract_id": outcome.contract_id,
            "outcome": label,
            "order_id": outcome.order_id,
            "reason": "Success",
            "detail": "",
            "flat": outcome.flat,
        }
    reason = outcome.reason if isinstance(outcome, LiquidationRejected) else type(outcome).__name__
    order_id = getattr(outcome, "order_id", None)
    net_pos = getattr(outcome, "net_pos", None)
    detail = outcome.message
    if isinstance(outcome, ConnectionFailedError):
        detail += f" (tried {tried}: check --base-url or --env, and the network)"
    return {
        "account_id": outcome.account_id,
        "contract_id": outcome.contract_id,
        "outcome": _label(outcome),
        "order_id": order_id,
        "reason": reason,
        "detail": detail,
        "flat": None if net_pos is None else net_pos == 0,
    }


def _label(error: Exception) -> str:
    if isinstance(error, OutcomeUnknownError):
        return "UNKNOWN: check positions"
    if isinstance(error, NotLiquidatedError):
        return "not liquidated (verified): safe to repeat"
    if isinstance(error, NotFlatError):
        return "NOT FLAT in time"
    if isinstance(error, LiquidationRejected | RequestRejected):
        return "rejected"
    if isinstance(error, AuthenticationError):
        return "not authenticated"
    if isinstance(error, RateLimitError):
        return "rate limited"
    if isinstance(error, ConnectionFailedError):
        return "no connection"
    return "failed"


def _exit_code(outcome: Outcome) -> int:
    if isinstance(outcome, LiquidationResult):
        return EXIT_OK
    if isinstance(outcome, OutcomeUnknownError):
        return EXIT_UNKNOWN
    if isinstance(outcome, NotFlatError):
        return EXIT_NOT_FLAT
    if isinstance(outcome, AuthenticationError | RateLimitError):
        return EXIT_AUTH_OR_RATE
    return EXIT_NOT_LIQUIDATED


def _summary(rows: list[dict[str, Any]]) -> str:
    counts = Counter(row["outcome"] for row in rows)
    return f"{len(rows)} position(s): " + ", ".join(f"{n} {label}" for label, n in counts.items())


def _print_table(rows: list[dict[str, Any]], stream: TextIO) -> None:
    headers = ["account", "contract", "outcome", "order id", "reason"]
    keys = ["account_id", "contract_id", "outcome", "order_id", "reason"]
    if rows and "flat" in rows[0]:
        headers.append("flat")
        keys.append("flat")
    cells = [[("" if row[key] is None else str(row[key])) for key in keys] for row in rows]
    widths = [
        max(len(header), *(len(line[i]) for line in cells)) for i, header in enumerate(headers)
    ]
    for line in [headers, *cells]:
        stream.write(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            + "\n"
        )
    for row in rows:
        if row["detail"]:
            stream.write(f"{row['account_id']}/{row['contract_id']}: {row['detail']}\n")

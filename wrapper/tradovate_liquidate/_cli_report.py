"""What the command prints for whole accounts and dry runs: rows, exit code, summary.

One row per position (account, contract, symbol, net position before, order id, outcome,
flat, reason, detail); an account with no open position, or stopped before its positions
were read, gets one row without a contract. The table and --json show the same fields.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from ._account import AccountResult
from ._batch import STOPPING
from ._cli_output import (
    EXIT_NOT_FLAT,
    EXIT_NOT_LIQUIDATED,
    _exit_code,
    _label,
    _worst,
)
from ._exceptions import (
    ConnectionFailedError,
    LiquidationRejected,
    NotFlatError,
    TradovateError,
)
from ._result import LiquidationResult

#: (header, key) of the account table, in order; --json rows carry the same keys.
COLUMNS = (
    ("account", "account_id"),
    ("contract", "contract_id"),
    ("symbol", "symbol"),
    ("net before", "net_before"),
    ("order id", "order_id"),
    ("outcome", "outcome"),
    ("flat", "flat"),
    ("reason", "reason"),
)
WOULD = "would liquidate"


@dataclass
class Report:
    rows: list[dict[str, Any]]
    code: int
    summary: str


def row(
    account_id: int | None,
    contract_id: int | None = None,
    *,
    symbols: dict[int, str] | None = None,
    net_before: int | None = None,
    order_id: int | None = None,
    outcome: str,
    flat: bool | None = None,
    reason: str = "",
    detail: str = "",
) -> dict[str, Any]:
    symbol = (symbols or {}).get(contract_id) if contract_id is not None else None
    return {
        "account_id": account_id,
        "contract_id": contract_id,
        "symbol": symbol,
        "net_before": net_before,
        "order_id": order_id,
        "outcome": outcome,
        "flat": flat,
        "reason": reason,
        "detail": detail,
    }


def error_row(
    account_id: int | None, error: TradovateError, tried: str, **fields: Any
) -> dict[str, Any]:
    reason = error.reason if isinstance(error, LiquidationRejected) else type(error).__name__
    detail = error.message
    if isinstance(error, ConnectionFailedError):
        detail += f" (tried {tried}: check --base-url or --env, and the network)"
    order_id = getattr(error, "order_id", None)
    net_pos = getattr(error, "net_pos", None)
    fields.setdefault("flat", None if net_pos is None else net_pos == 0)
    return row(
        account_id,
        order_id=order_id,
        outcome=_label(error),
        reason=reason,
        detail=detail,
        **fields,
    )


def account_rows(
    result: AccountResult, symbols: dict[int, str], tried: str
) -> list[dict[str, Any]]:
    """One account's rows: a row per open position (sent or not), or one for the account."""
    by_contract = {outcome.contract_id: outcome for outcome in result.positions}
    rows: list[dict[str, Any]] = []
    for contract, net in result.net_before.items():
        where: dict[str, Any] = {"contract_id": contract, "symbols": symbols, "net_before": net}
        outcome = by_contract.get(contract)
        if isinstance(outcome, LiquidationResult):
            flat = True if result.flat else outcome.flat
            rows.append(
                row(
                    result.account_id,
                    **where,
                    order_id=outcome.order_id,
                    outcome=_result_label(outcome),
                    flat=flat,
                    reason="Success",
                )
            )
        elif outcome is not None:
            rows.append(error_row(result.account_id, outcome, tried, **where))
        elif result.error is not None:  # the run stopped before this one was sent
            rows.append(error_row(result.account_id, result.error, tried, **where, flat=False))
            rows[-1]["outcome"] = "not sent: " + rows[-1]["outcome"]
    if result.error is not None and (not rows or len(by_contract) == len(result.net_before)):
        rows.append(error_row(result.account_id, result.error, tried))
    if not rows:
        rows.append(row(result.account_id, outcome="already flat", flat=result.flat))
    return rows


def _result_label(result: LiquidationResult) -> str:
    if "bulk" in result.raw:
        return "flattened (bulk)"  # liquidatepositions names no order: read back as 0
    label = "liquidated" if result.order_id is not None else "already flat"
    return label + " (verified)" if result.verified else label


def account_code(result: AccountResult) -> int:
    """The exit code one account calls for (see the module docstring of _cli)."""
    codes = [_exit_code(outcome) for outcome in result.positions]
    if result.error is not None:
        codes.append(nothing_sent_code(result.error))
    sent = any(isinstance(o, LiquidationResult | NotFlatError) for o in result.positions)
    if sent and not result.flat:
        codes.append(EXIT_NOT_FLAT)
    return _worst(codes)


def nothing_sent_code(error: TradovateError) -> int:
    """An error met before anything was sent for the account (its reads, an id the token
    cannot see): authentication or rate limit stays 3; anything else is 1, since the
    server certainly did not act for it, even when a read's outcome was unknown."""
    if isinstance(error, STOPPING):
        return _exit_code(error)
    return EXIT_NOT_LIQUIDATED


def accounts_report(
    results: Iterable[AccountResult], symbols: dict[int, str], tried: str
) -> Report:
    results = list(results)
    rows = [line for result in results for line in account_rows(result, symbols, tried)]
    code = _worst(account_code(result) for result in results)
    flat = sum(result.flat for result in results)
    counts = Counter(line["outcome"] for line in rows if line["contract_id"] is not None)
    positions = ", ".join(f"{n} {label}" for label, n in counts.items()) or "none open"
    summary = (
        f"{len(results)} account(s): {flat} flat, {len(results) - flat} NOT known flat; "
        f"position(s): {positions}"
    )
    return Report(rows, code, summary)


def dry_report(rows: list[dict[str, Any]], codes: Iterable[int], what: str) -> Report:
    """A dry run: exit 0 unless a read failed (then that error's code: 1, or 3)."""
    would = sum(line["outcome"] == WOULD for line in rows)
    summary = f"dry run, nothing was sent: {would} {what} would be liquidated"
    return Report(rows, _worst(codes), summary)


def print_rows(rows: list[dict[str, Any]], stream: TextIO) -> None:
    cells = [[("" if line[key] is None else str(line[key])) for _, key in COLUMNS] for line in rows]
    headers = [header for header, _ in COLUMNS]
    widths = [max(len(h), *(len(line[i]) for line in cells)) for i, h in enumerate(headers)]
    for line in [headers, *cells]:
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        stream.write(text.rstrip() + "\n")
    for record in rows:
        if record["detail"]:
            where = "/".join(str(record[k]) for k in ("account_id", "contract_id") if record[k])
            stream.write(f"{where or 'accounts'}: {record['detail']}\n")


class AccountProgress:
    """One line on a terminal's stderr, rewritten as each account finishes."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self._total, self._stream = total, stream
        self._done = self._not_flat = 0
        self._lock = threading.Lock()

    def __call__(self, index: int, result: AccountResult) -> None:
        with self._lock:
            self._done += 1
            self._not_flat += not result.flat
            line = f"\r[{self._done}/{self._total} accounts] {self._not_flat} not flat"
            self._stream.write(line)
            self._stream.flush()

    def finish(self) -> None:
        self._stream.write("\n")
        self._stream.flush()

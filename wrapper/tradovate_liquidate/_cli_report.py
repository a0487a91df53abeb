"""What the command prints for whole accounts and dry runs: rows, exit code, summary.

One row per position (account, contract, symbol, net position before, order id, outcome,
flat, reason, detail); an account with no open position, or stopped before its positions
were read, gets one row without a contract. A stray working order cancelled (on a
contract without a position) gets a row with its order id, as does a cancel that failed.
A position found open at the end on a contract that was flat at the first read (a stray
order filled before its cancel) gets a row of its own: reported, not liquidated (exit 5).
The table and --json show the same fields.
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
CANCELLED = "working order cancelled"
WOULD_CANCEL = "would cancel working order"
OPENED = "opened after the first read: not liquidated"


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
    for contract, net in result.opened.items():
        rows.append(row(result.account_id, contract, symbols=symbols, outcome=OPENED, flat=False))
        rows[-1]["detail"] = f"reads {net} at the end: a stray order filled before its cancel?"
    if not rows:
        rows.append(row(result.account_id, outcome="already flat", flat=result.flat))
    return rows + cancel_rows(result, tried)


def cancel_rows(result: AccountResult, tried: str) -> list[dict[str, Any]]:
    """The stray working orders cancelled, and the cancels (or order reads) that failed."""
    rows = [
        row(result.account_id, order_id=order, outcome=CANCELLED, reason="stray order")
        for order in result.cancelled
    ]
    for error in result.cancel_errors:
        rows.append(error_row(result.account_id, error, tried))
        rows[-1]["outcome"] = "working orders: " + rows[-1]["outcome"]
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
    # A stray order left working could open a position again; a cancel is safe to repeat.
    codes.extend(nothing_sent_code(error) for error in result.cancel_errors)
    sent = any(isinstance(o, LiquidationResult | NotFlatError) for o in result.positions)
    if (sent or result.opened) and not result.flat:
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
    cancelled = sum(len(result.cancelled) for result in results)
    failed = sum(len(result.cancel_errors) for result in results)
    if cancelled or failed:
        summary += f"; stray working order(s): {cancelled} cancelled, {failed} failed"
    return Report(rows, code, summary)


def dry_row(
    account: int, contract: int, symbols: dict[int, str], net: int, outcome: str
) -> dict[str, Any]:
    return row(
        account,
        contract,
        symbols=symbols,
        net_before=net,
        outcome=outcome,
        flat=net == 0,
        reason="dry run",
    )


def not_visible(account: int) -> TradovateError:
    from ._exceptions import RequestRejected

    return RequestRejected(
        f"account {account} is not among the accounts the token can see "
        "(GET /account/list); nothing would be sent for it",
        account_id=account,
    )


def dry_report(rows: list[dict[str, Any]], codes: Iterable[int], what: str) -> Report:
    """A dry run: exit 0 unless a read failed (then that error's code: 1, or 3) or the
    real run would refuse to send (4: the pending state file cannot be read)."""
    would = sum(str(line["outcome"]).startswith(WOULD) for line in rows)
    summary = f"dry run, nothing was sent: {would} {what} would be liquidated"
    if cancels := sum(line["outcome"] == WOULD_CANCEL for line in rows):
        summary += f", {cancels} stray working order(s) cancelled"
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

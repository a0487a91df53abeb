"""tradovate-liquidate: flatten one position, or many from a CSV, from a terminal or a script.

Exit codes: 0 all liquidated; 1 some not liquidated and the server certainly did not act
(rejected, refused, no connection, or verified from its records: safe to repeat); 2 usage
error; 3 authentication or rate limit; 4 an outcome still unknown after verification
(check positions before trying again); 5 liquidation sent but the position was not flat
within --flat-timeout (--confirm). The worst one wins.

Targets left unsettled are kept in a small state file (see _state_file) so that running
the command again reads the server's records before sending anything for them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from ._batch import DEFAULT_CONCURRENCY, Outcome
from ._client import LiquidationClient
from ._config import ENVIRONMENTS, TOKEN_ENV_VAR
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
#: Overrides the state file's place (else $XDG_STATE_HOME or ~/.local/state).
STATE_ENV_VAR = "TRADOVATE_LIQUIDATE_STATE"
# The worst outcome of a batch decides the code: an unknown outcome is worse than one
# known to be still closing.
_SEVERITY = (EXIT_OK, EXIT_NOT_LIQUIDATED, EXIT_AUTH_OR_RATE, EXIT_NOT_FLAT, EXIT_UNKNOWN)


class UsageError(Exception):
    """Bad command-line input: printed and answered with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradovate-liquidate",
        description="Cancel working orders and flatten positions on Tradovate.",
        epilog=(
            f"The token comes from {TOKEN_ENV_VAR} or --token-file, never from the command line "
            "(process lists show arguments). Exit codes: 0 all liquidated; 1 some not liquidated "
            "and the server certainly did not act (a verified 'not liquidated' is safe to repeat); "
            "2 usage error; 3 authentication or rate limit; 4 outcome still unknown after "
            "verification: check positions; 5 sent but not flat within --flat-timeout "
            f"(--confirm). Unsettled targets are kept in the state file ({STATE_ENV_VAR} or "
            "--state-file; default under $XDG_STATE_HOME or ~/.local/state) and read back "
            "before anything is sent for them again."
        ),
    )
    parser.add_argument("account_id", nargs="?", type=int, help="the account holding the position")
    parser.add_argument("contract_id", nargs="?", type=int, help="the numeric contract id")
    parser.add_argument(
        "--from-csv",
        type=Path,
        metavar="FILE",
        help="columns account_id, contract_id, custom_tag (optional)",
    )
    parser.add_argument("--env", choices=sorted(ENVIRONMENTS), default="demo", help="default: demo")
    parser.add_argument("--base-url", help="overrides --env (http:// only for loopback hosts)")
    parser.add_argument(
        "--token-file", type=Path, help=f"a file holding the token (else {TOKEN_ENV_VAR})"
    )
    parser.add_argument("--admin", action="store_true", help="send admin: true")
    parser.add_argument("--tag", help="customTag50 for every order (at most 64 characters)")
    parser.add_argument(
        "--manual", action="store_true", help="a person decided this: isAutomated false"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"positions liquidated at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--timeout", type=float, default=None, help="seconds per request")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.add_argument(
        "--confirm", action="store_true", help="wait until each position reads 0 (exit 5 if not)"
    )
    parser.add_argument("--settle-timeout", type=float, default=None, help="seconds (default 5)")
    parser.add_argument("--flat-timeout", type=float, default=None, help="seconds (default 30)")
    parser.add_argument("--state-file", type=Path, default=None, help="pending targets file")
    parser.add_argument("--yes", action="store_true", help="do not ask before liquidating on live")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        targets = _targets(args)
        token = _token(args.token_file)
        _confirm_live(args, targets)
        client_kwargs: dict[str, Any] = {"environment": args.env, "base_url": args.base_url}
        if args.timeout is not None:
            client_kwargs["timeout"] = args.timeout
        for name in ("settle_timeout", "flat_timeout"):
            if getattr(args, name) is not None:
                client_kwargs[name] = getattr(args, name)
        client_kwargs["pending_file"] = args.state_file or _state_file()
        with LiquidationClient(token, **client_kwargs) as client:
            progress = (
                _Progress(len(targets), sys.stderr)
                if len(targets) > 1 and sys.stderr.isatty()
                else None
            )
            outcomes = client.liquidate_many(
                targets,
                concurrency=args.concurrency,
                on_progress=progress,
                admin=args.admin,
                custom_tag=args.tag,
                is_automated=not args.manual,
                confirm=args.confirm,
            )
    except (UsageError, ValueError, TypeError) as exc:
        print(f"tradovate-liquidate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if progress is not None:
        progress.finish()
    rows = [_row(outcome) for outcome in outcomes]
    if not args.confirm:
        for row in rows:
            del row["flat"]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        _print_table(rows, sys.stdout)
    return max((_exit_code(outcome) for outcome in outcomes), default=EXIT_OK, key=_SEVERITY.index)


def _targets(args: argparse.Namespace) -> list[tuple[int, int] | tuple[int, int, str | None]]:
    if args.from_csv is not None:
        if args.account_id is not None:
            raise UsageError("give ACCOUNT_ID CONTRACT_ID or --from-csv, not both")
        return _read_csv(args.from_csv)
    if args.account_id is None or args.contract_id is None:
        raise UsageError("give ACCOUNT_ID CONTRACT_ID, or --from-csv FILE")
    return [(args.account_id, args.contract_id)]


def _read_csv(path: Path) -> list[tuple[int, int] | tuple[int, int, str | None]]:
    try:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            missing = {"account_id", "contract_id"} - set(reader.fieldnames or ())
            if missing:
                raise UsageError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            targets: list[tuple[int, int] | tuple[int, int, str | None]] = []
            for row in reader:
                line = reader.line_num
                try:
                    account_id, contract_id = int(row["account_id"]), int(row["contract_id"])
                except (TypeError, ValueError):
                    raise UsageError(
                        f"{path}, line {line}: account_id and contract_id must be whole numbers"
                    ) from None
                targets.append((account_id, contract_id, (row.get("custom_tag") or None)))
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    if not targets:
        raise UsageError(f"{path}: no positions listed")
    return targets


def _state_file() -> Path:
    """Where unsettled targets are kept: $TRADOVATE_LIQUIDATE_STATE, else the state dir."""
    override = os.environ.get(STATE_ENV_VAR)
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tradovate-liquidate" / "pending.json"


def _token(token_file: Path | None) -> str:
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"--token-file {token_file}: {exc.strerror}") from None
        if not token:
            raise UsageError(f"--token-file {token_file}: the file is empty")
        return token
    token = os.environ.get(TOKEN_ENV_VAR, "").strip()
    if not token:
        raise UsageError(f"no token: set {TOKEN_ENV_VAR} or pass --token-file")
    return token


def _confirm_live(args: argparse.Namespace, targets: list[Any]) -> None:
    live_host = ENVIRONMENTS["live"]
    is_live = (args.base_url or ENVIRONMENTS[args.env]).rstrip("/") == live_host
    if not is_live or args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError("refusing to liquidate on LIVE without --yes when no one is at a terminal")
    expected = str(targets[0][0]) if len(targets) == 1 else str(len(targets))
    what = "the account id" if len(targets) == 1 else "the number of positions"
    print(
        f"This liquidates {len(targets)} position(s) on LIVE ({live_host}), with real money.",
        file=sys.stderr,
    )
    print(f"Type {what} ({expected}) to go on: ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip() != expected:
        raise UsageError("not confirmed; nothing was sent")


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


def _row(outcome: Outcome) -> dict[str, Any]:
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
    return {
        "account_id": outcome.account_id,
        "contract_id": outcome.contract_id,
        "outcome": _label(outcome),
        "order_id": order_id,
        "reason": reason,
        "detail": outcome.message,
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

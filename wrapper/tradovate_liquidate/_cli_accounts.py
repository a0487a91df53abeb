"""The command line's whole-account modes, and --dry-run for every mode.

`--account ID` (repeatable) and `--accounts-file FILE` (may be combined) or
`--all-accounts` (every account GET /account/list shows; asks first) flatten whole
accounts with `liquidate_accounts`, always waiting until each account reads flat (up to
--flat-timeout): the command exists to know the accounts are flat. Symbols are read
with one `GET /contract/items` after the liquidations, never before: display must not
delay an exit, and a symbol read that fails only leaves the symbols out.

`--dry-run` reads what the real run would read (GET /account/list and /position/ldeps
for accounts; GET /position/deps per account for positions and CSVs), reads the symbols,
prints what would be liquidated and sends no POST. It never asks for confirmation, not
even on live: it only reads.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._account import AccountResult, stray_orders
from ._accounts import METHODS
from ._accounts_steps import LDEPS_CHUNK, chunks, ldeps_steps, order_ldeps_steps, visible_steps
from ._cli_accounts_file import listed_accounts
from ._cli_output import EXIT_OK, EXIT_UNKNOWN, UsageError, _tried
from ._cli_report import (
    WOULD,
    WOULD_CANCEL,
    AccountProgress,
    Report,
    accounts_report,
    dry_report,
    dry_row,
    error_row,
    not_visible,
    nothing_sent_code,
    row,
)
from ._client import LiquidationClient
from ._exceptions import TradovateError
from ._pending import Pending
from ._steps import Steps, T
from ._symbols import symbols_steps

OpenClient = Callable[[Callable[[], None]], contextlib.AbstractContextManager[LiquidationClient]]
ConfirmLive = Callable[..., None]
Targets = list[Any]  # (account_id, contract_id[, custom_tag]) tuples
Held = dict[int, dict[int, int]]  # account -> contract -> netPos
Failed = dict[int, TradovateError]  # account -> the read that failed for it
#: account -> ids of the working orders a run would cancel, or the error reading them
Strays = dict[int, list[int] | TradovateError]
Outcome = tuple[str, int]  # a dry row's outcome, and the exit code it stands for


def add_account_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("whole accounts")
    group.add_argument(
        "--account",
        type=int,
        action="append",
        metavar="ID",
        help="flatten every position of this account (repeatable)",
    )
    group.add_argument(
        "--accounts-file",
        type=Path,
        metavar="FILE",
        help="account ids: one a line (# comments), or a CSV with an account_id column",
    )
    group.add_argument(
        "--all-accounts",
        action="store_true",
        help="every account the token can see (asks y/N first; --yes to skip)",
    )
    group.add_argument(
        "--method",
        choices=METHODS,
        help="per-position (default: an order id each) or bulk (/order/liquidatepositions)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read and print what would be liquidated, send nothing; reads only, so it never "
        "asks, even on live",
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """What bounds a run's duration besides --timeout, --settle-timeout and --flat-timeout
    (README, "How long can a run take")."""
    parser.add_argument(
        "--deadline", type=float, help="seconds one request may take in all (default 15)"
    )
    parser.add_argument(
        "--max-penalty-wait",
        type=float,
        help="seconds a request may wait on time penalties (default 60; 0: fail at once)",
    )


def wants_report(args: argparse.Namespace) -> bool:
    """True for an account mode or a dry run; a mix of target kinds is a UsageError."""
    kinds = []
    if args.account_id is not None or args.contract_id is not None:
        kinds.append("ACCOUNT_ID CONTRACT_ID")
    if args.from_csv is not None:
        kinds.append("--from-csv")
    chosen = [
        name
        for name, given in (
            ("--account", args.account),
            ("--accounts-file", args.accounts_file is not None),
            ("--all-accounts", args.all_accounts),
        )
        if given
    ]
    if chosen:
        kinds.append(" and ".join(chosen))
    if len(kinds) > 1 and kinds != ["ACCOUNT_ID CONTRACT_ID", "--from-csv"]:
        raise UsageError(f"give one kind of target, not {' with '.join(kinds)}")
    if args.all_accounts and len(chosen) > 1:
        raise UsageError(f"--all-accounts already names every account: not with {chosen[0]}")
    if args.method is not None and not chosen:
        raise UsageError("--method applies to --account, --accounts-file and --all-accounts only")
    return bool(chosen) or args.dry_run


def run_report(
    args: argparse.Namespace,
    targets: Targets | None,
    open_client: OpenClient,
    confirm_live: ConfirmLive,
) -> Report:
    """A dry run of positions (`targets`), or an account mode, real or dry."""
    tried = _tried(args)
    if targets is not None:
        with open_client(lambda: None) as client:
            refuse_what_the_run_would(client, args, targets, None)
            return _dry_positions(client, targets, tried)
    ids = listed_accounts(args)
    if ids is None and not (args.dry_run or args.yes or sys.stdin.isatty()):
        raise UsageError("refusing --all-accounts without --yes when no one is at a terminal")
    listed = [(account,) for account in ids or ()]
    asks_now = ids is not None and not args.dry_run

    def before() -> None:
        if asks_now:
            confirm_live(args, listed, noun="account")

    with open_client(before) as client:
        refuse_what_the_run_would(client, args, None, ids)
        if ids is None:
            try:
                ids = sorted(_drive(client, visible_steps(client._policy)))
            except TradovateError as exc:
                return Report([error_row(None, exc, tried)], nothing_sent_code(exc), exc.message)
            if not ids:
                return Report([], EXIT_OK, "0 account(s): the token sees none; nothing was sent")
            if not args.dry_run:
                _confirm_all(args, ids, confirm_live)
        if args.dry_run:
            return _dry_accounts(client, ids, tried)
        return _flatten(client, args, ids, tried)


def refuse_what_the_run_would(
    client: LiquidationClient, args: argparse.Namespace, targets: Targets | None, ids: Any
) -> None:
    """The checks of the call the real run makes (liquidate_many or liquidate_accounts),
    before anything is read: a dry run refuses (exit 2) what the real run would, instead
    of promising it; a real run refuses before asking. With --all-accounts the ids come
    from the server, so one stands in for them here."""
    options = (args.admin, args.tag, not args.manual)
    if targets is not None:
        client._batch(targets, args.concurrency, None, *options, None)
        return
    method = args.method or "per-position"
    client._accounts_plan(ids or [1], args.concurrency, None, True, method, *options)


def _confirm_all(args: argparse.Namespace, ids: list[int], confirm_live: ConfirmLive) -> None:
    """--all-accounts: live asks for the count (the live guard); demo asks y/N."""
    confirm_live(args, [(i,) for i in ids], noun="account")
    if args.yes or _is_live(args):
        return
    shown = ", ".join(map(str, ids[:10])) + (", ..." if len(ids) > 10 else "")
    print(f"This flattens every position of {len(ids)} account(s): {shown}", file=sys.stderr)
    print("Go on? [y/N] ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was sent")


def _is_live(args: argparse.Namespace) -> bool:
    from ._cli import is_live
    from ._config import resolve_base_url

    return is_live(resolve_base_url(args.env, args.base_url))


def _flatten(
    client: LiquidationClient, args: argparse.Namespace, ids: list[int], tried: str
) -> Report:
    shows = len(ids) > 1 and not (args.json or args.quiet) and sys.stderr.isatty()
    progress = AccountProgress(len(ids), sys.stderr) if shows else None
    stopped: TradovateError | None = None
    try:
        results: list[AccountResult] = client.liquidate_accounts(
            ids,
            concurrency=args.concurrency,
            on_progress=progress,
            confirm=True,
            method=args.method or "per-position",
            admin=args.admin,
            custom_tag=args.tag,
            is_automated=not args.manual,
        )
    except TradovateError as exc:  # the run stopped: what it did so far comes with it
        stopped = exc
        so_far = getattr(exc, "accounts_result", None)
        results = so_far or [AccountResult(account, error=exc) for account in ids]
    finally:
        if progress is not None:
            progress.finish()
    # After an authentication or rate-limit stop another request would only earn more.
    contracts = {c for result in results for c in result.net_before}
    symbols = {} if stopped is not None else _symbols(client, contracts)
    return accounts_report(results, symbols, tried)


def _dry_accounts(client: LiquidationClient, ids: list[int], tried: str) -> Report:
    """The real run's reads (GET /account/list, /position/ldeps, /order/ldeps), and
    nothing sent."""
    held_by, failed, strays = _dry_reads(client, ids)
    symbols = _symbols(client, {c for held in held_by.values() for c in held})
    opened = [(a, c) for a, held in held_by.items() for c, net in held.items() if net]
    pending = client._pending.entries_among(opened)  # one read of the state file
    lines, codes = [], []
    for account in ids:
        if account not in held_by:
            error = failed.get(account) or not_visible(account)
            lines.append(error_row(account, error, tried))
            codes.append(nothing_sent_code(error))
            continue
        held = held_by[account]
        for contract, net in sorted(held.items()):
            outcome, code = "already flat: nothing to send", EXIT_OK
            if net:
                outcome, code = _as_pending(pending.get((account, contract)), WOULD)
            lines.append(dry_row(account, contract, symbols, net, outcome))
            codes.append(code)
        if not held:
            lines.append(row(account, outcome="no position: nothing to send", flat=True))
        orders = strays.get(account, [])
        if isinstance(orders, TradovateError):  # as the real run: its positions still go
            lines.append(error_row(account, orders, tried))
            lines[-1]["outcome"] = "working orders: " + lines[-1]["outcome"]
            codes.append(nothing_sent_code(orders))
            continue
        for order in orders:
            lines.append(row(account, order_id=order, outcome=WOULD_CANCEL, reason="dry run"))
    return dry_report(lines, codes, "position(s)")


def _dry_reads(client: LiquidationClient, ids: list[int]) -> tuple[Held, Failed, Strays]:
    """Each visible account's rows (contract -> netPos), the accounts whose reads failed,
    and the working orders the real run would cancel (on contracts without a position)."""
    policy = client._policy
    try:
        visible: set[int] = _drive(client, visible_steps(policy))
    except TradovateError as exc:
        return {}, dict.fromkeys(ids, exc), {}
    failed: Failed = {}
    held_by: Held = {}
    strays: Strays = {}
    for chunk in chunks([account for account in ids if account in visible], LDEPS_CHUNK):
        try:
            rows = _drive(client, ldeps_steps(policy, chunk))
        except TradovateError as exc:
            failed.update(dict.fromkeys(chunk, exc))
            continue
        orders: list[Any] | TradovateError
        try:
            orders = _drive(client, order_ldeps_steps(policy, chunk))
        except TradovateError as exc:  # the real run flattens the positions all the same
            orders = exc
        # Every row, netPos 0 too (the real run keeps only the open ones): shown as flat.
        held: dict[int, dict[int, int]] = {account: {} for account in chunk}
        for position in rows:
            if position.account_id in held and isinstance(position.net_pos, int):
                held[position.account_id][position.contract_id] = position.net_pos
        held_by.update(held)
        for account in chunk:
            open_ = {contract: net for contract, net in held[account].items() if net}
            if isinstance(orders, TradovateError):
                strays[account] = orders
                continue
            own = [order for order in orders if order.account_id == account]
            strays[account] = stray_orders(own, open_)
    return held_by, failed, strays


def _dry_positions(client: LiquidationClient, targets: Targets, tried: str) -> Report:
    """Each target's net position as read (GET /position/deps, once per account)."""
    held: dict[int, dict[int, int] | TradovateError] = {}
    for account in dict.fromkeys(target[0] for target in targets):
        try:
            rows = client.positions(account)
            held[account] = {p.contract_id: p.net_pos for p in rows if isinstance(p.net_pos, int)}
        except TradovateError as exc:
            held[account] = exc
    symbols = _symbols(client, {target[1] for target in targets})
    pending = client._pending.entries_among([(target[0], target[1]) for target in targets])
    lines, codes = [], []
    for account, contract, *_ in targets:
        read = held[account]
        if isinstance(read, TradovateError):
            lines.append(error_row(account, read, tried, contract_id=contract, symbols=symbols))
            codes.append(nothing_sent_code(read))
            continue
        net = read.get(contract, 0)
        # liquidateposition is sent even for a position reading 0 (it also cancels the
        # contract's working orders), so the dry run says so rather than "nothing".
        outcome = WOULD if net else "would send (reads 0: cancels working orders only)"
        outcome, code = _as_pending(pending.get((account, contract)), outcome)
        lines.append(dry_row(account, contract, symbols, net, outcome))
        codes.append(code)
    return dry_report(lines, codes, "position(s)")


def _as_pending(entry: Pending | None, would: str) -> Outcome:
    """`would`, unless the target is pending (`entry`) from an earlier uncertain send: the
    real run then reads its orders first and sends only if that send did nothing; when the
    state file cannot be read it sends nothing at all (exit 4, as the real run)."""
    if entry is None:
        return would, EXIT_OK
    if entry.problem is not None:
        return f"would not send: {entry.problem}", EXIT_UNKNOWN
    return f"{would}, unless an earlier uncertain send did (pending: read first)", EXIT_OK


def _symbols(client: LiquidationClient, contract_ids: set[int]) -> dict[int, str]:
    """Symbols for display; a failed read leaves them out and never fails the run."""
    if not contract_ids:
        return {}
    try:
        return _drive(client, symbols_steps(client._policy, contract_ids))
    except TradovateError as exc:
        print(f"warning: contract symbols not read ({exc.message}); ids shown", file=sys.stderr)
        return {}


def _drive(client: LiquidationClient, steps: Steps[T]) -> T:
    """Carry out read steps on the command's client, under its session rules: the
    CLI's own reads (account list, ldeps, symbols) have no public method of their own."""
    return client._drive(client._signed_in(steps, {}), client.timeout)

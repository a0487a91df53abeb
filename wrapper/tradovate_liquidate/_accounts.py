"""liquidate_accounts: many whole accounts as jobs run `concurrency` at a time. No I/O.

- Reads: `GET /account/list` (an account the token cannot see is an error, never
  "flat"), `GET /position/ldeps` and `GET /order/ldeps`, LDEPS_CHUNK accounts a read.
- Liquidation of every open position (netPos not 0; none for a flat account), and,
  as liquidate_account does, a `POST /order/cancelorder` for every working order on a
  contract where the account holds no position (nothing re-opens a position later):
  "per-position": one `/order/liquidateposition` each, with _outcome.py's protocol
  (pending check, verification of an uncertain answer, an order id per position);
  "bulk": `/order/liquidatepositions`, BULK_CHUNK position ids a request, never resent,
  tagged; a pending position or a row without an id goes per-position instead, and one
  not read flat at the end stays pending. Every job holds its positions' locks (Hold).
- Settling by chunked ldeps reads until every position reads 0: always for "bulk" (its
  answer names no order and an errorText may come after some positions were acted on),
  for "per-position" with confirm=True; an account where a cancel was sent is read once.

All of them are one phase that grows as jobs end (_arrivals.py says when each starts).
The driver runs it with bounded concurrency through the client's shared penalty gate
(see run_jobs). An authentication or rate-limit error stops the run: it is raised with
`accounts_result`, the AccountsRun so far (an account not finished carries that error).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from typing import Any

from ._account import (
    AccountResult,
    cancel_steps,
    opened_since,
    position_steps,
    stray_orders,
)
from ._accounts_steps import (  # check_*, METHODS: the module's public names
    BULK_CHUNK,
    LDEPS_CHUNK,
    METHODS,
    ChunkRead,
    Holdings,
    bulk_outcome,
    bulk_steps,
    check_account_ids,
    check_method,
    chunk_read_steps,
    chunks,
    counted,
    order_ldeps_steps,
    settle_steps,
    visible_steps,
)
from ._arguments import liquidation_request
from ._arrivals import LIQUIDATE, READ, Arrivals, read_error
from ._batch import stopping
from ._exceptions import TradovateError
from ._jobs import Growing, Jobs, Ranked
from ._outcome import outcome_steps, own_tag
from ._pending import PendingTargets
from ._policy import Policy
from ._result import LiquidationResult
from ._steps import Steps, holding
from ._verify import Anchor, Verification, dated

Key = tuple[int, int]
Phases = Generator[list[Steps[Any]] | Growing, Jobs, "AccountsRun"]


class AccountsRun(list[AccountResult]):
    """liquidate_accounts' answer: one AccountResult per id, in input order.

    `requests` is a Counter of the requests sent, by "METHOD /path" (every try, every
    resend after a time penalty, every sign-in), e.g. {"GET /position/ldeps": 20, ...}.
    """

    def __init__(self, results: Iterable[AccountResult], requests: Counter[str]) -> None:
        super().__init__(results)
        self.requests = requests


@dataclasses.dataclass
class AccountsPlan:
    """One run's settings and what is known so far; `phases()` yields each phase's jobs."""

    account_ids: list[int]
    method: str
    confirm: bool
    options: dict[str, Any]  # admin, custom_tag, is_automated
    policy: Policy
    verification: Verification
    pending: PendingTargets
    wrap: Callable[[Steps[Any]], Steps[Any]]  # the client's session rules
    on_progress: Callable[[int, AccountResult], object] | None
    held: dict[int, dict[int, int]] = dataclasses.field(default_factory=dict)
    position_ids: dict[Key, int] = dataclasses.field(default_factory=dict)
    errors: dict[int, TradovateError] = dataclasses.field(default_factory=dict)
    outcomes: dict[Key, LiquidationResult | TradovateError] = dataclasses.field(
        default_factory=dict
    )
    notes: dict[Key, str] = dataclasses.field(default_factory=dict)  # bulk answers
    last: dict[int, dict[int, int] | TradovateError] = dataclasses.field(default_factory=dict)
    done: dict[int, AccountResult] = dataclasses.field(default_factory=dict)
    counters: list[Counter[str]] = dataclasses.field(default_factory=list)
    strays: dict[int, list[int]] = dataclasses.field(default_factory=dict)
    cancels: dict[int, AccountResult] = dataclasses.field(default_factory=dict)  # made on use
    positions_in_input: dict[int, int] = dataclasses.field(default_factory=dict)
    bulk_sent: dict[Key, tuple[Anchor, str | None]] = dataclasses.field(default_factory=dict)
    read_chunks: list[list[int]] = dataclasses.field(default_factory=list)
    kinds: list[tuple[str, Any]] = dataclasses.field(default_factory=list)  # first phase's jobs
    in_bulk: list[Key] = dataclasses.field(default_factory=list)  # waiting for a bulk request

    def job(self, steps: Steps[Any]) -> Steps[Any]:
        counter: Counter[str] = Counter()
        self.counters.append(counter)
        return counted(self.wrap(steps), counter)

    def phases(self) -> Phases:
        self.read_chunks = chunks(self.account_ids, LDEPS_CHUNK)
        first: Ranked = [(READ, self._job(("visible", 0), visible_steps(self.policy)))]
        for at, chunk in enumerate(self.read_chunks):
            first.append((READ, self._job(("positions", at), chunk_read_steps(self.policy, chunk))))
        for at, chunk in enumerate(self.read_chunks):
            first.append((READ, self._job(("orders", at), order_ldeps_steps(self.policy, chunk))))
        arrivals = Arrivals(self)
        done = yield Growing(first, arrivals.grow)
        arrivals.take_unseen(done.results())
        self._check_stopped(done)
        self._keep_bulk_pending()
        return self.run()

    def _job(self, kind: tuple[str, Any], steps: Steps[Any]) -> Steps[Any]:
        """A job of the first phase; `kind` says what its outcome is (see _take_sent)."""
        self.kinds.append(kind)
        return self.job(steps)

    def take_chunk(self, at: int, rows: ChunkRead | TradovateError, visible: Any) -> Ranked:
        """One chunk's positions read, with the account list: its accounts' errors and
        holdings, and the liquidations they make ready."""
        chunk = self.read_chunks[at]
        for account in chunk:
            if (error := read_error(account, rows, visible)) is not None:
                self.errors[account] = error
                self._report(account)
        if isinstance(rows, ChunkRead):
            self.position_ids.update(rows.position_ids)
            held = {a: h for a, h in rows.held.items() if a not in self.errors}
            self.held.update({a: dict(sorted(h.items())) for a, h in held.items()})
        keys = [(a, c) for a in chunk if a not in self.errors for c in self.held.get(a, {})]
        singles = keys if self.method != "bulk" else self._singles(keys)
        one_by_one = set(singles)
        self.in_bulk += [key for key in keys if key not in one_by_one]
        jobs = [(LIQUIDATE, self._job(("single", key), self._one(key))) for key in singles]
        return jobs + self.bulk_jobs(every=False)

    def bulk_jobs(self, *, every: bool) -> Ranked:
        """A bulk request as soon as BULK_CHUNK positions wait for one; with `every` (all
        positions read), one for the rest too."""
        jobs: Ranked = []
        while len(self.in_bulk) >= BULK_CHUNK or (every and self.in_bulk):
            keys, self.in_bulk = self.in_bulk[:BULK_CHUNK], self.in_bulk[BULK_CHUNK:]
            jobs.append((LIQUIDATE, self._job(("bulk", keys), self._bulk(keys))))
        return jobs

    def take_orders(self, at: int, orders: list[Any] | TradovateError) -> Ranked:
        """One chunk's order read (after its positions read): the cancels of its stray
        working orders; an account with nothing to do is reported now."""
        chunk = self.read_chunks[at]
        self._take_orders(chunk, orders)
        jobs: Ranked = []
        for account in chunk:
            for order_id in self.strays.get(account, []):
                jobs.append(
                    (LIQUIDATE, self._job(("cancel", account), self._cancel(account, order_id)))
                )
            if account not in self.errors and not (
                self.held.get(account) or self.strays.get(account)
            ):
                self._report(account)
        return jobs

    def take_sent(self, kind: str, at: Any, outcome: Any) -> None:
        """A liquidation's or cancel's outcome, as its job ended."""
        if kind == "single":
            self.outcomes[at] = outcome
        elif kind == "bulk":
            note = outcome.message if isinstance(outcome, TradovateError) else outcome
            sent = [key for key in at if key in self.bulk_sent]
            self.notes.update(dict.fromkeys(sent, note or "ok"))
        elif isinstance(outcome, TradovateError):
            self._cancel_record(at).cancel_errors.append(outcome)
        else:
            self._cancel_record(at).cancelled.append(outcome)

    def _take_orders(self, chunk: list[int], orders: list[Any] | TradovateError) -> None:
        """Each account's stray working orders; an order read that failed is kept as a
        cancel error (the positions are still flattened: they were read)."""
        by_account: dict[int, list[Any]] = {}  # grouped once: a day's orders may be many
        for order in orders if isinstance(orders, list) else []:
            by_account.setdefault(order.account_id, []).append(order)
        for account in chunk:
            if account in self.errors or account not in self.held:
                continue
            if isinstance(orders, TradovateError):
                self._cancel_record(account).cancel_errors.append(orders)
                continue
            if strays := stray_orders(by_account.get(account, []), self.held[account]):
                self.strays[account] = strays

    def _cancel(self, account: int, order_id: int) -> Steps[int]:
        yield from cancel_steps(self.policy, account, order_id, self.options["is_automated"])
        return order_id

    def _cancel_record(self, account: int) -> AccountResult:
        # Made when first used: one per account up front was thousands of objects that
        # set off the garbage collector's full passes mid-run.
        return self.cancels.setdefault(account, AccountResult(account))

    def _singles(self, keys: list[Key]) -> list[Key]:
        """bulk: the positions that go by the per-position protocol instead. One still
        pending (an earlier send unsettled) is read before anything is sent; a row
        without an id cannot be listed in /order/liquidatepositions."""
        pending = self.pending.pending_among(keys) if self.verification.enabled else set()
        return [key for key in keys if key not in self.position_ids or key in pending]

    def _one(self, key: Key) -> Steps[LiquidationResult]:
        steps = outcome_steps(self.policy, self.verification, self.pending, *self._body(key))
        return position_steps(key, steps)

    def _bulk(self, keys: list[Key]) -> Steps[str | None]:
        """One bulk request, under the one-call locks of all its positions. With
        verification on it carries a customTag50 (the caller's, else the client's own,
        as a single liquidation does), so that pending entries find its orders."""
        tag = self.options["custom_tag"]
        if tag is None and self.verification.enabled:
            tag = own_tag()
        return holding(keys, self._bulk_send(keys, {**self.options, "custom_tag": tag}))

    def _bulk_send(self, keys: list[Key], options: dict[str, Any]) -> Steps[str | None]:
        """Under the locks: a position that became pending meanwhile (a liquidate_position
        beside this run) goes by the per-position protocol, read first; the rest in bulk.
        None when none was left to send in bulk."""
        for key in self._singles(keys):
            steps = outcome_steps(self.policy, self.verification, self.pending, *self._body(key))
            try:
                self.outcomes[key] = yield from steps
            except TradovateError as exc:
                self.outcomes[key] = exc
                if (stop := stopping(exc)) is not None:
                    raise stop from None  # recorded; the chunk's rest is not sent
        keys = [key for key in keys if key not in self.outcomes]
        if not keys:
            return None
        anchor = Anchor(self.verification.now(), self.verification.now)
        self.bulk_sent.update(dict.fromkeys(keys, (anchor, options["custom_tag"])))
        ids = [self.position_ids[key] for key in keys]
        return (yield from dated(bulk_steps(self.policy, ids, options), anchor))

    def _body(self, key: Key) -> tuple[Any, bool]:
        return liquidation_request(*key, **self.options), False

    def _keep_bulk_pending(self) -> None:
        """A position sent in bulk and not read flat at the end stays pending (with the
        bulk's time and tag): a later call reads its orders before sending anything."""
        if not self.verification.enabled:
            return
        settled = []
        for key, (anchor, tag) in self.bulk_sent.items():
            last = self.last.get(key[0])
            if isinstance(last, dict) and key[1] not in last:
                settled.append(key)
            else:
                self.pending.add(key, anchor.since(), None, tag)
        self.pending.clear(*settled)  # at once: with a file, one write, not one per key

    def settle_timeout(self, account: int) -> float | None:
        """How long the account's settling read waits for it to read flat: those
        liquidated (bulk, or confirm=True) up to their timeout; those where a cancel was
        sent or failed (and nothing else to wait for) are read once; None: not read."""
        if self._to_settle(account):
            if self.method == "bulk" and not self.confirm:
                return self.verification.settle_timeout
            return self.verification.flat_timeout
        return 0.0 if self._cancels_sent(account) else None

    def settle_job(self, chunk: list[int], timeout: float) -> Steps[Any]:
        return self._job(("settle", chunk), self._settle(chunk, timeout))

    def _settle(self, chunk: list[int], timeout: float) -> Steps[Holdings]:
        return settle_steps(self.policy, self.verification, chunk, timeout)

    def _to_settle(self, account: int) -> bool:
        if account in self.done or (self.method != "bulk" and not self.confirm):
            return False
        return any(key in self.notes or key in self.outcomes for key in self._keys(account))

    def _cancels_sent(self, account: int) -> bool:
        """Whether a cancel was sent or failed: a stray order may have filled before it,
        so the account is read once more before it is called flat."""
        record = self.cancels.get(account)
        return (
            account not in self.done
            and record is not None
            and bool(record.cancelled or record.cancel_errors)
        )

    def take_settled(self, chunk: list[int], outcome: Holdings | TradovateError) -> None:
        """A settling read's end: its accounts are reported."""
        if isinstance(outcome, dict):
            self.last.update({account: outcome[account] for account in chunk})
        else:
            self.last.update(dict.fromkeys(chunk, outcome))
        for account in chunk:
            self._report(account)

    def _keys(self, account: int) -> list[Key]:
        return [(account, contract) for contract in self.held.get(account, {})]

    def run(self, stopped: TradovateError | None = None) -> AccountsRun:
        """The results so far, in input order; `stopped` marks the unfinished accounts."""
        results = []
        for account in self.account_ids:
            if stopped is not None and account not in self.done:
                result = dataclasses.replace(self._result(account), error=stopped)
            else:
                result = self.done.get(account) or self._report(account)
            results.append(result)
        return AccountsRun(results, sum(self.counters, Counter()))

    def _check_stopped(self, done: Jobs) -> None:
        if done.stopped is not None:
            self._keep_bulk_pending()  # what bulk sent is unsettled: read before resending
            exc = done.stopped
            results = self.run(stopped=exc)
            exc.accounts_result = results  # type: ignore[attr-defined]
            raise exc

    def _result(self, account: int) -> AccountResult:
        if account in self.errors:
            return AccountResult(account, error=self.errors[account])
        if account not in self.held:
            return AccountResult(account)  # not read: the run stopped first
        positions = [self._outcome(key) for key in self._keys(account)]
        cancels = self.cancels.get(account) or AccountResult(account)
        last = self.last.get(account)
        return AccountResult(
            account,
            [o for o in positions if o is not None],
            self._flat(account, positions),
            dict(self.held[account]),
            list(cancels.cancelled),
            list(cancels.cancel_errors),
            opened=opened_since(self.held[account], last if isinstance(last, dict) else {}),
        )

    def _index_of(self, account: int) -> int:
        # A dict made once: list.index per report made a run of N accounts cost N^2.
        if not self.positions_in_input:
            self.positions_in_input.update((a, i) for i, a in enumerate(self.account_ids))
        return self.positions_in_input[account]

    def _report(self, account: int) -> AccountResult:
        """The account's final result, kept and passed to on_progress once."""
        result = self.done[account] = self._result(account)
        if self.on_progress is not None:
            try:
                self.on_progress(self._index_of(account), result)
            except Exception:
                logging.getLogger("tradovate_liquidate").exception(
                    "on_progress raised; the run goes on"
                )
        return result

    def _flat(self, account: int, positions: list[Any]) -> bool:
        last = self.last.get(account)
        if not self.held[account] and last is None:
            return True  # the first read showed nothing open, and no cancel was sent
        if isinstance(last, dict):
            return not last
        if last is None and self.method != "bulk" and not self.confirm:
            return all(isinstance(o, LiquidationResult) and o.flat is True for o in positions)
        return False

    def _outcome(self, key: Key) -> LiquidationResult | TradovateError | None:
        last = self.last.get(key[0])
        if self.method != "bulk" or key in self.outcomes:
            outcome = self.outcomes.get(key)
            if isinstance(outcome, LiquidationResult) and isinstance(last, dict):
                outcome = dataclasses.replace(outcome, flat=key[1] not in last)
            return outcome
        if key not in self.notes:
            return None  # never sent: the run stopped first
        return bulk_outcome(key, self.notes[key], last)


__all__ = ["METHODS", "AccountsPlan", "AccountsRun", "check_account_ids", "check_method"]

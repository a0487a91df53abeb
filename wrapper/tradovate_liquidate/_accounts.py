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
from collections import Counter
from collections.abc import Generator
from typing import Any

from ._account import (
    cancel_steps,
    position_steps,
    stray_orders,
)
from ._accounts_state import AccountsRun, AccountsState, Key
from ._accounts_steps import (  # check_*, METHODS: the module's public names
    BULK_CHUNK,
    LDEPS_CHUNK,
    METHODS,
    ChunkRead,
    Holdings,
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
from ._arrivals import LIQUIDATE, READ, Arrivals, read_error, unlisted
from ._batch import stopping
from ._exceptions import TradovateError
from ._jobs import Growing, Jobs, Ranked
from ._outcome import outcome_steps, own_tag
from ._result import LiquidationResult
from ._steps import Steps, holding
from ._verify import Anchor, dated

Phases = Generator[list[Steps[Any]] | Growing, Jobs, "AccountsRun"]


@dataclasses.dataclass
class AccountsPlan(AccountsState):
    """One run's settings and what is known so far; `phases()` yields its jobs."""

    def job(self, steps: Steps[Any]) -> Steps[Any]:
        counter: Counter[str] = Counter()
        self.counters.append(counter)
        return counted(self.wrap(steps), counter)

    def phases(self) -> Phases:
        self.read_chunks = chunks(self.account_ids, LDEPS_CHUNK)
        first: Ranked = []
        for at, chunk in enumerate(self.read_chunks):
            first.append((READ, self._job(("positions", at), chunk_read_steps(self.policy, chunk))))
        first.append((READ, self._job(("visible", 0), visible_steps(self.policy))))
        for at, chunk in enumerate(self.read_chunks):
            first.append((READ, self._job(("orders", at), order_ldeps_steps(self.policy, chunk))))
        arrivals = Arrivals(self)
        try:
            done = yield Growing(first, arrivals.grow, self.deliver)
        except BaseException:  # Ctrl-C, a cancelled caller, a bug: see PhaseRun.aborting
            self._keep_bulk_pending()  # what bulk sent is unsettled: read before resending
            raise
        arrivals.take_stopped(done.results())
        self._check_stopped(done)
        self._keep_bulk_pending()
        return self.run()

    def _job(self, kind: tuple[str, Any], steps: Steps[Any]) -> Steps[Any]:
        """A job of the first phase; `kind` says what its outcome is (see _take_sent)."""
        self.kinds.append(kind)
        return self.job(steps)

    def take_chunk(self, at: int, rows: ChunkRead | TradovateError) -> Ranked:
        """One chunk's positions read: the liquidations it makes ready. An account it
        returned a row for is one the token can see (the server answered for it), so
        its liquidations do not wait for the account list; the others wait (take_unseen)."""
        chunk = self.read_chunks[at]
        if isinstance(rows, TradovateError):
            for account in chunk:
                self.errors[account] = rows
                self._report(account)
            return []
        self.position_ids.update(rows.position_ids)
        seen = [account for account in chunk if account in rows.seen]
        self.held.update({a: dict(sorted(rows.held[a].items())) for a in seen})
        keys = [(a, c) for a in seen for c in self.held[a]]
        singles = keys if self.method != "bulk" else self._singles(keys)
        one_by_one = set(singles)
        self.in_bulk += [key for key in keys if key not in one_by_one]
        jobs = [(LIQUIDATE, self._job(("single", key), self._one(key))) for key in singles]
        return jobs + self.bulk_jobs(every=False)

    def take_unseen(self, at: int, rows: ChunkRead | TradovateError, visible: Any) -> None:
        """With the account list in: each account of a chunk read that returned no row
        for it is an error when the token cannot see it (never "flat"), else holds
        nothing; one it returned rows for yet missing from the list is never "flat"."""
        if not isinstance(rows, ChunkRead):
            return  # a failed read: every account of the chunk has its error already
        for account in self.read_chunks[at]:
            if account in rows.seen:
                if isinstance(visible, set) and account not in visible:
                    self.unlisted[account] = unlisted(account)
                continue
            if (error := read_error(account, visible)) is not None:
                self.errors[account] = error
                self._report(account)
            else:
                self.held[account] = {}

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

    def _singles(self, keys: list[Key]) -> list[Key]:
        """bulk: the positions that go by the per-position protocol instead. One still
        pending (an earlier send unsettled) is read before anything is sent; a row
        without an id cannot be listed in /order/liquidatepositions."""
        pending = self.pending.entries_among(keys) if self.verification.enabled else {}
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
        if self.verification.enabled:
            # Pending before the request goes: a run ended by Ctrl-C, a cancelled caller
            # or a crash (of a process with a pending file too) never forgets it.
            self.pending.add_all(keys, anchor.since(), options["custom_tag"])
        ids = [self.position_ids[key] for key in keys]
        return (yield from dated(bulk_steps(self.policy, ids, options), anchor))

    def _body(self, key: Key) -> tuple[Any, bool]:
        return liquidation_request(*key, **self.options), False

    def _keep_bulk_pending(self) -> None:
        """A position sent in bulk and not read flat at the end stays pending (with the
        bulk's time and tag): a later call reads its orders before sending anything."""
        if not self.verification.enabled:
            return
        settled: list[Key] = []
        unsettled: dict[tuple[Anchor, str | None], list[Key]] = {}
        for key, (anchor, tag) in list(self.bulk_sent.items()):  # workers may still add
            last = self.last.get(key[0])
            if isinstance(last, dict) and key[1] not in last:
                settled.append(key)
            else:
                unsettled.setdefault((anchor, tag), []).append(key)
        for (anchor, tag), keys in unsettled.items():  # pending already: the answer's
            self.pending.add_all(keys, anchor.since(), tag)  # Date may date the send earlier
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

    def _check_stopped(self, done: Jobs) -> None:
        if done.stopped is not None:
            self._keep_bulk_pending()  # what bulk sent is unsettled: read before resending
            exc = done.stopped
            results = self.run(stopped=exc)
            exc.accounts_result = results  # type: ignore[attr-defined]
            raise exc


__all__ = ["METHODS", "AccountsPlan", "AccountsRun", "check_account_ids", "check_method"]

"""liquidate_accounts' one phase of jobs, grown as they end. No I/O.

With reads, then liquidations, then settling reads each waiting for the slowest job of
the phase before, the bulk method of a 1,000-account run took 1.85x its ideal time (make
bench's accounts suite). Here each job starts as soon as what it needs is in:

- a chunk's liquidations, once its positions read and the account list are;
- the cancels of a chunk's stray working orders, once its order read is too;
- an account's settling read, once every read of the run is in and the account's own
  liquidations and cancels have ended, LDEPS_CHUNK accounts a read (the rest when
  nothing else is left to end).

Ranks decide what starts first when several jobs are ready: reads, then liquidations and
cancels, then settling reads. A settling read may sleep between tries while holding its
worker, so none starts before every read is in: by then every liquidation of the run is
made, and any still waiting starts before it.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ._accounts_steps import LDEPS_CHUNK, ChunkRead
from ._exceptions import RequestRejected, TradovateError

if TYPE_CHECKING:
    from ._accounts import AccountsPlan
    from ._jobs import Ranked

READ, LIQUIDATE, SETTLE = 0, 1, 2
READS = ("visible", "positions", "orders")
NOT_READ: Any = object()


class Arrivals:
    """What of the phase has ended, and what each job's end makes ready."""

    def __init__(self, plan: AccountsPlan) -> None:
        self.plan = plan
        self.visible: Any = NOT_READ  # the account ids the token sees, or the read's error
        self.rows: dict[int, ChunkRead | TradovateError] = {}  # by read chunk
        self.orders: dict[int, list[Any] | TradovateError] = {}
        self.taken: set[int] = set()  # chunks whose positions were taken
        self.resolved: set[int] = set()  # and whose accounts without a row were checked
        self.orders_taken: set[int] = set()
        self.all_read = False
        self.open_jobs: Counter[int] = Counter()  # account -> liquidations, cancels running
        self.to_settle: dict[float, list[int]] = {}  # timeout -> accounts ready to read
        self.seen: set[int] = set()  # jobs whose end was taken here

    def grow(self, index: int, outcome: Any) -> Ranked:
        """The jobs that job `index`, ended with `outcome`, makes ready."""
        self.seen.add(index)
        kind, at = self.plan.kinds[index]
        made = len(self.plan.kinds)
        if kind in READS:
            jobs = self._read(kind, at, outcome)
        elif kind == "settle":
            self.plan.take_settled(at, outcome)
            return []
        else:
            self.plan.take_sent(kind, at, outcome)
            jobs = []
            for account in accounts_of(kind, at):
                self.open_jobs[account] -= 1
                if self.all_read and not self.open_jobs[account]:
                    self._ready(account)
        for new_kind, new_at in self.plan.kinds[made:]:
            self.open_jobs.update(accounts_of(new_kind, new_at))
        if not self.all_read and len(self.orders_taken) == len(self.plan.read_chunks):
            self.all_read = True
            for account in self.plan.account_ids:
                if not self.open_jobs[account]:
                    self._ready(account)
        return jobs + self._settle_jobs()

    def _read(self, kind: str, at: int, outcome: Any) -> Ranked:
        if kind == "visible":
            self.visible = outcome
        elif kind == "positions":
            self.rows[at] = outcome
        else:
            self.orders[at] = outcome
        jobs: Ranked = []
        for ready in sorted(set(self.rows) - self.taken):
            self.taken.add(ready)
            jobs += self.plan.take_chunk(ready, self.rows[ready])
        if len(self.taken) == len(self.plan.read_chunks):
            jobs += self.plan.bulk_jobs(every=True)
        if self.visible is not NOT_READ:
            for ready in sorted(self.taken - self.resolved):
                self.resolved.add(ready)
                self.plan.take_unseen(ready, self.rows[ready], self.visible)
        for ready in sorted((set(self.orders) & self.resolved) - self.orders_taken):
            self.orders_taken.add(ready)
            jobs += self.plan.take_orders(ready, self.orders[ready])
        return jobs

    def _ready(self, account: int) -> None:
        timeout = self.plan.settle_timeout(account)
        if timeout is not None:
            self.to_settle.setdefault(timeout, []).append(account)

    def _settle_jobs(self) -> Ranked:
        """A settling read for each LDEPS_CHUNK accounts ready; for the rest too once
        nothing else is left to end."""
        last = self.all_read and not any(self.open_jobs.values())
        jobs: Ranked = []
        for timeout, accounts in self.to_settle.items():
            while len(accounts) >= LDEPS_CHUNK or (last and accounts):
                chunk, accounts[:] = accounts[:LDEPS_CHUNK], accounts[LDEPS_CHUNK:]
                jobs.append((SETTLE, self.plan.settle_job(chunk, timeout)))
        return jobs

    def take_stopped(self, results: list[Any]) -> None:
        """After a stop: the ends of the jobs a stop kept from grow (a liquidation sent,
        then stopped) are taken all the same."""
        for index, outcome in enumerate(results):
            kind, at = self.plan.kinds[index]
            taken = index in self.seen or kind in READS or kind == "settle"
            if not taken and outcome is not None:
                self.plan.take_sent(kind, at, outcome)


def accounts_of(kind: str, at: Any) -> set[int]:
    """The accounts a liquidation or cancel job acts on."""
    if kind == "single":
        return {at[0]}
    if kind == "bulk":
        return {key[0] for key in at}
    if kind == "cancel":
        return {at}
    return set()


def read_error(account: int, visible: Any) -> TradovateError | None:
    """Why nothing is done for an account no positions read returned a row for: the
    account list failed, or the token cannot see it."""
    if isinstance(visible, TradovateError):
        return visible
    if account in visible:
        return None
    return RequestRejected(
        f"account {account} is not among the accounts the token can see "
        "(GET /account/list); nothing was sent for it",
        account_id=account,
    )


def unlisted(account: int) -> TradovateError:
    """An account a positions read returned rows for, missing from the account list: its
    positions were flattened as read, but it is never reported flat."""
    return RequestRejected(
        f"account {account} is not among the accounts the token can see (GET "
        "/account/list), though GET /position/ldeps returned its positions; what was "
        "sent for it is in its positions",
        account_id=account,
    )

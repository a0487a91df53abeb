"""liquidate_accounts' state: what is known of each account, and its AccountResult. No I/O."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any

from ._account import AccountResult, opened_since
from ._accounts_steps import Holdings, bulk_outcome
from ._exceptions import TradovateError
from ._pending import PendingTargets
from ._policy import Policy
from ._result import LiquidationResult
from ._steps import Steps
from ._verify import Anchor, Verification

Key = tuple[int, int]


class AccountsRun(list[AccountResult]):
    """liquidate_accounts' answer: one AccountResult per id, in input order.

    `requests` is a Counter of the requests sent, by "METHOD /path" (every try, every
    resend after a time penalty, every sign-in), e.g. {"GET /position/ldeps": 20, ...}.
    """

    def __init__(self, results: Iterable[AccountResult], requests: Counter[str]) -> None:
        super().__init__(results)
        self.requests = requests


@dataclasses.dataclass
class AccountsState:
    """liquidate_accounts' settings and what is known so far, and the results they make
    (AccountsPlan adds the jobs)."""

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
    unlisted: dict[int, TradovateError] = dataclasses.field(default_factory=dict)
    unreported: deque[tuple[int, AccountResult]] = dataclasses.field(default_factory=deque)
    delivering: threading.Lock = dataclasses.field(default_factory=threading.Lock)

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

    def _cancel_record(self, account: int) -> AccountResult:
        # Made when first used: one per account up front was thousands of objects that
        # set off the garbage collector's full passes mid-run.
        return self.cancels.setdefault(account, AccountResult(account))

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
        self.deliver()
        return AccountsRun(results, sum(self.counters, Counter()))

    def _result(self, account: int) -> AccountResult:
        if account in self.errors:
            return AccountResult(account, error=self.errors[account])
        if account not in self.held:
            return AccountResult(account)  # not read: the run stopped first
        held = self.held[account]
        positions = [self._outcome((account, contract)) for contract in held]
        cancels = self.cancels.get(account)  # none made for most accounts: no empty record
        last = self.last.get(account)
        result = AccountResult(
            account,
            [o for o in positions if o is not None],
            self._flat(account, positions),
            dict(held),
            list(cancels.cancelled) if cancels else [],
            list(cancels.cancel_errors) if cancels else [],
            opened=opened_since(held, last) if isinstance(last, dict) and last else {},
        )
        if account in self.unlisted:  # read, perhaps liquidated, yet not in the list
            return dataclasses.replace(result, flat=False, error=self.unlisted[account])
        return result

    def _index_of(self, account: int) -> int:
        # A dict made once: list.index per report made a run of N accounts cost N^2.
        if not self.positions_in_input:
            self.positions_in_input.update((a, i) for i, a in enumerate(self.account_ids))
        return self.positions_in_input[account]

    def _report(self, account: int) -> AccountResult:
        """The account's final result, kept, and queued once for on_progress (deliver)."""
        result = self.done[account] = self._result(account)
        if self.on_progress is not None:
            self.unreported.append((self._index_of(account), result))
        return result

    def deliver(self) -> None:
        """The queued reports, to on_progress, by one worker at a time and outside the
        run's lock: a slow callback holds up that worker only (the others return at
        once, and the deliverer takes what they queued before it lets go)."""
        while self.on_progress is not None and self.unreported:
            if not self.delivering.acquire(blocking=False):
                return
            try:
                while self.unreported:
                    index, result = self.unreported.popleft()
                    try:
                        self.on_progress(index, result)
                    except Exception:
                        logging.getLogger("tradovate_liquidate").exception(
                            "on_progress raised; the run goes on"
                        )
            finally:
                self.delivering.release()

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

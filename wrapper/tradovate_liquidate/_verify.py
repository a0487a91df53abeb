"""Finding out what an uncertain liquidation did, from the server's own records. Steps only.

When the answer leaves the outcome open, the client reads the position and the account's
orders on that contract, a few times within `settle_timeout`, and decides:

- the position reads 0 and no candidate is still working: done, flat;
- exactly one candidate (or the tagged one) filled or is working: done, that order;
- the one candidate was rejected, cancelled or expired, or none appeared and the position
  did not move within the window: NotLiquidatedError (nothing was done);
- several untagged candidates, or the reads failed: OutcomeUnknownError.

A candidate is an order of that account on that contract, on the closing side (opposite
to the position as read; either side once it reads 0), created at or after the send by
the send, less CLOCK_SKEW_ALLOWANCE. With tags (the caller's custom_tag or the client's
own, every one sent while the target is pending, see _outcome.py), only an order whose
New command carries one of them is one.

The send's instant (an Anchor) is the earlier of this machine's clock and the server's
(the Date header of the liquidation's answer, or else of the first read, less the local
time elapsed since the send): a wrong clock on either side widens the window, never
hides our order.

Verification is bounded in time, not only in rounds: no read, retry, penalty resend or
round starts after `settle_timeout`, and every request ends one request deadline after it
at the latest (_reads.Budget); at most MAX_TAG_READS orders' commands are read per round.
Once the liquidation may have been acted on, any error of the reads (a lockout, a refused
token too) is an OutcomeUnknownError with that error as its __cause__.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import TYPE_CHECKING, NamedTuple

import httpx

from ._answers import without_sign_in_tail
from ._config import CLOCK_SKEW_ALLOWANCE, DEFAULT_DEADLINE
from ._exceptions import NotFlatError, NotLiquidatedError, OutcomeUnknownError, TradovateError
from ._policy import Policy
from ._reads import (
    Budget,
    commands_steps,
    net_position_of,
    net_position_steps,
    orders_steps,
    positions_steps,
)
from ._steps import Sleep, Steps, T

if TYPE_CHECKING:
    from tradovate_api.models import Order

#: Settle polling: first wait, doubling up to the cap, and at most this many rounds (each
#: round reads the position and the orders, plus candidates' commands with a tag).
SETTLE_FIRST_WAIT, SETTLE_MAX_WAIT, MAX_SETTLE_ROUNDS = 0.5, 2.0, 6
#: With a tag: at most this many orders' commands (/command/deps) read in one round, the
#: newest first; those left wait for the next round, and any never read leave it unknown.
MAX_TAG_READS = 4
#: Flat polling (confirm=True, wait_until_flat): first wait, doubling up to the cap.
FLAT_FIRST_WAIT, FLAT_MAX_WAIT = 0.25, 2.0

DONE_STATUSES = frozenset({"Filled", "Completed"})
DEAD_STATUSES = frozenset({"Rejected", "Canceled", "Expired"})
# Anything else (Working, PendingNew, Suspended, a status newer than the spec) may still
# fill, so it counts as working: the safe reading.


class Verification(NamedTuple):
    enabled: bool
    settle_timeout: float
    flat_timeout: float
    now: Callable[[], float]  # wall-clock seconds
    deadline: float = DEFAULT_DEADLINE  # one request's, the client's `deadline`


class Target(NamedTuple):
    account_id: int
    contract_id: int
    tags: tuple[str, ...]  # the customTag50s our sends carried: an order with one is ours
    order_hint: int | None = None  # an orderId the answer carried: that order is ours


class Snapshot(NamedTuple):
    net_pos: int
    candidates: list[Order]
    exact: bool = False  # matched by tag or order id: several are not ambiguous
    unchecked: int = 0  # candidates whose tag is not read yet (MAX_TAG_READS)


class Verdict(NamedTuple):
    kind: str  # done, not_done, ambiguous, nothing_yet
    order: Order | None = None


class Anchor:
    """The instant of the send: by this machine's clock (`local`), and by the server's once
    an answer's Date header told it. `dates` gathers (Date header, local time it came)."""

    __slots__ = ("dates", "local", "now", "server")

    def __init__(self, local: float, now: Callable[[], float], server: float | None = None):
        self.local, self.now, self.server = local, now, server
        self.dates: list[tuple[str, float]] = []

    def since(self) -> float:
        """The send: the earlier of the server's clock (once a Date told it) and this
        machine's. Order timestamps are the server's, but a Date header can be wrong too
        (a year ahead would hide our own order and read as "nothing was done"); with
        every send tagged, a window opened wider by a wrong clock costs reads, not safety.
        """
        if self.server is None:
            for header, came in self.dates:
                moment = server_time(header)
                if moment is not None:
                    # Date is truncated to the second: this errs early, never late.
                    self.server = moment - max(came - self.local, 0.0)
                    break
        return self.local if self.server is None else min(self.server, self.local)


def server_time(header: str) -> float | None:
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def dated(steps: Steps[T], anchor: Anchor) -> Steps[T]:
    """`steps`, noting each answer's Date header on `anchor` (no parsing: that waits until
    verification needs it, so the success path pays a header look-up at most)."""
    outcome = None
    try:
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                result: T = done.value
                return result
            outcome = yield step
            if isinstance(outcome, httpx.Response) and (date := outcome.headers.get("date")):
                anchor.dates.append((date, anchor.now()))
    finally:
        steps.close()


def status_of(order: Order) -> str:
    status = order.ord_status
    return str(getattr(status, "value", status))


def snapshot_steps(
    policy: Policy,
    target: Target,
    anchor: Anchor,
    budget: Budget | None = None,
    checked: dict[int, bool] | None = None,
) -> Steps[Snapshot]:
    """The position and the candidates, as the server's records show them now.

    `checked` keeps, across rounds, whether each order read so far carries our tag."""
    account = target.account_id
    positions = yield from dated(positions_steps(policy, account, budget), anchor)
    net_pos = net_position_of(positions, target.contract_id)
    orders = yield from dated(orders_steps(policy, account, budget), anchor)
    if target.order_hint is not None:
        # Our order is known by its id: nothing else on the contract can be taken for ours
        # (the account's own later trades, or another program's exit), and no command
        # needs reading.
        hinted = [order for order in orders if order.id == target.order_hint]
        return Snapshot(net_pos, hinted, exact=True)
    since = anchor.since()
    candidates = [order for order in orders if _is_candidate(order, target, net_pos, since)]
    if not target.tags:
        return Snapshot(net_pos, candidates)
    checked = {} if checked is None else checked
    unread = sorted((_id(o) for o in candidates if _id(o) not in checked), reverse=True)
    for order_id in unread[:MAX_TAG_READS]:  # newest first: ours was placed last
        commands = yield from commands_steps(policy, account, order_id, budget)
        checked[order_id] = any(c.custom_tag_50 in target.tags for c in commands)
    tagged = [order for order in candidates if checked.get(_id(order))]
    left = sum(_id(order) not in checked for order in candidates)
    return Snapshot(net_pos, tagged, exact=True, unchecked=left)


def _id(order: Order) -> int:
    return order.id if isinstance(order.id, int) else 0  # a candidate's is always an int


def _is_candidate(order: Order, target: Target, net_pos: int, since: float) -> bool:
    if order.contract_id != target.contract_id or not isinstance(order.id, int):
        return False
    created = order.timestamp
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)  # Tradovate writes UTC
    if created.timestamp() < since - CLOCK_SKEW_ALLOWANCE:
        return False
    action = str(getattr(order.action, "value", order.action))
    return net_pos == 0 or action == ("Sell" if net_pos > 0 else "Buy")


def judge(snapshot: Snapshot) -> Verdict:
    """What the records say, the decision table of the module docstring."""
    candidates = snapshot.candidates
    if snapshot.unchecked and not candidates:
        return Verdict("nothing_yet")  # ours may be among the orders not read yet
    working = [o for o in candidates if status_of(o) not in DONE_STATUSES | DEAD_STATUSES]
    acted = [o for o in candidates if status_of(o) not in DEAD_STATUSES]
    if snapshot.net_pos == 0 and not working:
        return Verdict("done", acted[-1] if len(acted) == 1 else None)
    if len(acted) > 1 or (len(candidates) > 1 and not snapshot.exact):
        return Verdict("ambiguous")
    if acted:
        return Verdict("done", acted[0])
    if candidates:
        return Verdict("not_done", candidates[-1])
    return Verdict("nothing_yet")


def settle_steps(
    policy: Policy,
    verification: Verification,
    target: Target,
    anchor: Anchor,
    cause: TradovateError,
) -> Steps[tuple[Verdict, int]]:
    """Poll until the records decide; (a "done" verdict, the net position) or raises."""
    until = verification.now() + verification.settle_timeout
    budget = Budget(verification.now, until, until + verification.deadline)
    wait, first_net, unchecked = SETTLE_FIRST_WAIT, None, 0
    checked: dict[int, bool] = {}
    for _ in range(MAX_SETTLE_ROUNDS):
        snapshot = yield from _read_or_unknown(policy, target, anchor, cause, budget, checked)
        verdict = judge(snapshot)
        if verdict.kind == "done":
            return verdict, snapshot.net_pos
        if verdict.kind == "ambiguous":
            raise _unknown(cause, f"{len(snapshot.candidates)} candidate orders, none tagged")
        if verdict.kind == "not_done":
            raise _not_liquidated(cause, verdict.order, snapshot.net_pos)
        if first_net is not None and snapshot.net_pos != first_net:
            raise _unknown(cause, f"no order found, but the position moved to {snapshot.net_pos}")
        first_net, unchecked = snapshot.net_pos, snapshot.unchecked
        remaining = until - verification.now()
        if remaining <= 0:
            break
        yield Sleep(min(wait, remaining), "verifying", "reading the server's records again")
        wait = min(wait * 2, SETTLE_MAX_WAIT)
    if unchecked:
        raise _unknown(cause, f"{unchecked} candidate orders whose tag could not be read in time")
    raise _not_liquidated(cause, None, first_net)


def _read_or_unknown(
    policy: Policy,
    target: Target,
    anchor: Anchor,
    cause: TradovateError,
    budget: Budget,
    checked: dict[int, bool],
) -> Steps[Snapshot]:
    try:
        return (yield from snapshot_steps(policy, target, anchor, budget, checked))
    except TradovateError as exc:
        # The liquidation may have been acted on: a read stopped by a lockout or a refused
        # token proves nothing about it. Unknown, with the stopping error as __cause__
        # (a batch still stops sending on it).
        raise _unknown(cause, f"the reads failed: {read_failure(exc)}") from exc


def read_failure(exc: TradovateError) -> str:
    """Why a read failed, for an OutcomeUnknownError's message: a stopping error's own
    "nothing was done" is true of the read alone, never of the liquidation before it."""
    import re

    message = without_sign_in_tail(exc.message)
    text = re.sub(r"[;,.]?\s*nothing was done\b\.?", "", message, flags=re.IGNORECASE)
    return text if isinstance(exc, OutcomeUnknownError) else f"{type(exc).__name__}: {text}"


def _unknown(cause: TradovateError, seen: str) -> OutcomeUnknownError:
    error = OutcomeUnknownError(
        f"{cause.message} Verification could not settle it: {seen}.",
        response=cause.response,
        account_id=cause.account_id,
        contract_id=cause.contract_id,
    )
    error.__cause__ = cause
    return error


def _not_liquidated(
    cause: TradovateError, order: Order | None, net_pos: int | None
) -> NotLiquidatedError:
    order_id = order.id if order is not None and isinstance(order.id, int) else None
    what = (
        f"order {order_id} was {status_of(order)}"
        if order is not None
        else f"no closing order appeared and the position stayed at {net_pos}"
    )
    error = NotLiquidatedError(
        f"not liquidated: {what} (the answer was: {cause.message}). The server's records show "
        "nothing was done; calling again is safe (it reads the orders before sending).",
        order_id=order_id,
        net_pos=net_pos,
        response=cause.response,
        account_id=cause.account_id,
        contract_id=cause.contract_id,
    )
    error.__cause__ = cause
    return error


def flat_steps(
    policy: Policy,
    verification: Verification,
    account_id: int,
    contract_id: int,
    timeout: float,
    order_id: int | None = None,
) -> Steps[None]:
    """Poll until the position reads 0 and our closing order (when known) no longer
    works; NotFlatError after `timeout` seconds. A position at 0 with our order still
    working is not flat: that order would open a position the other way."""
    deadline = verification.now() + timeout
    wait = FLAT_FIRST_WAIT
    while True:
        net_pos = yield from net_position_steps(policy, account_id, contract_id)
        working = net_pos == 0 and (yield from _still_working(policy, account_id, order_id))
        if net_pos == 0 and not working:
            return
        remaining = deadline - verification.now()
        if remaining <= 0:
            raise NotFlatError(
                f"the position still reads {net_pos} after {timeout:g} s"
                + (f" (closing order {order_id})" if order_id is not None else "")
                + (", and our closing order is still working" if working else ""),
                order_id=order_id,
                net_pos=net_pos,
                account_id=account_id,
                contract_id=contract_id,
            )
        yield Sleep(min(wait, remaining), "waiting for flat", "reading the position again")
        wait = min(wait * 2, FLAT_MAX_WAIT)


def _still_working(policy: Policy, account_id: int, order_id: int | None) -> Steps[bool]:
    """True while our closing order, when known, is neither done nor dead."""
    if order_id is None:
        return False
    orders = yield from orders_steps(policy, account_id)
    ours = [order for order in orders if order.id == order_id]
    return bool(ours) and status_of(ours[0]) not in DONE_STATUSES | DEAD_STATUSES

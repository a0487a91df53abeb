"""Flattening one whole account: steps, no I/O (the clients carry them out).

1. `GET /account/item`: an account the token cannot see is an error (404 ->
   RequestRejected), never "flat": an empty position list proves nothing about it.
2. `GET /position/deps` and `GET /order/deps`: what is held, and what is working. When
   the orders cannot be read the positions are flattened all the same, the read's error
   kept in `cancel_errors` (as liquidate_accounts does).
3. Every working order on a contract where the account holds no position is cancelled
   (`POST /order/cancelorder`), so nothing opens a position again after the flatten
   (liquidateposition cancels those of the contracts it closes itself).
4. Every position whose netPos is not 0 is liquidated by the one-position protocol
   (_outcome.py: pending check, verification of uncertain answers), in contract id order,
   each under the client's one-call-per-position lock (a _steps.Hold).
5. confirm=True: the account's positions are read until every one is 0, or flat_timeout.
   After a cancel sent or failed the account is read again in any case: a stray order
   may have filled before its cancel (such a position is reported in `opened`).
   Read flat, each LiquidationResult's `flat` is True (its last read); its pending entry
   stays until a call reads its orders (see _with_flat).

One position's failure is that position's outcome. A closing order sent whose
verification met a stopping error is that position's OutcomeUnknownError (caused by it),
and the account stops with that error. Only errors that stop the whole
account raise (authentication, rate limit/lockout, the positions read failing); the error
then carries `account_result`, the AccountResult so far, so no order id is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._arguments import liquidation_request
from ._batch import STOPPING, stopping  # errors after which nothing more is sent
from ._exceptions import TradovateError
from ._outcome import outcome_steps
from ._pending import PendingTargets
from ._policy import Policy, exchange
from ._reads import orders_steps, positions_steps, rows_steps
from ._result import LiquidationResult
from ._steps import Request, Sleep, Steps, T, holding
from ._verify import DEAD_STATUSES, DONE_STATUSES, FLAT_FIRST_WAIT, FLAT_MAX_WAIT, Verification

if TYPE_CHECKING:
    from tradovate_api.models import Account, Position


@dataclass(frozen=True, slots=True)
class AccountResult:
    """What flattening one account did.

    `positions`: one outcome per position that was open (netPos not 0), in contract id
    order: the LiquidationResult, or the TradovateError it ended in. `net_before` maps
    each of those contracts to its netPos as first read. `cancelled`: the working orders
    cancelled on contracts without a position; `cancel_errors` the cancels that failed.
    `flat` is True only when every position of the account was read as 0 at the end.
    `opened`: positions read open at the end on contracts that were not open at the
    first read (a stray order that filled before its cancel), contract -> netPos; they
    are reported (flat is then False), not liquidated.
    `error` (liquidate_accounts only) is what stopped this account: an id the token
    cannot see, its reads failing, or the authentication/rate-limit error ending the run.
    """

    account_id: int
    positions: list[LiquidationResult | TradovateError] = field(default_factory=list)
    flat: bool = False
    net_before: dict[int, int] = field(default_factory=dict)
    cancelled: list[int] = field(default_factory=list)
    cancel_errors: list[TradovateError] = field(default_factory=list)
    error: TradovateError | None = None
    opened: dict[int, int] = field(default_factory=dict)

    @property
    def contract_ids(self) -> list[int]:
        return list(self.net_before)


def account_item_steps(policy: Policy, account_id: int) -> Steps[Account]:
    """GET /account/item: the account, or RequestRejected (404) when the token cannot see it."""
    from tradovate_api.api.account import ACCOUNT_ITEM
    from tradovate_api.models import Account

    context = {"account_id": account_id}
    params = {"id": account_id}
    rows = yield from rows_steps(policy, ACCOUNT_ITEM, params, Account, context, single=True)
    account: Account = rows[0]
    return account


def cancel_steps(policy: Policy, account_id: int, order_id: int, is_automated: bool) -> Steps[None]:
    """POST /order/cancelorder once; raises the TradovateError of anything but Success."""
    from tradovate_api.api.order import CANCEL_ORDER
    from tradovate_api.models import CancelOrderRequest, CommandResult

    from ._exceptions import LiquidationRejected
    from ._policy import _raise_refusal

    context = {"account_id": account_id}
    body = CancelOrderRequest(order_id=order_id, is_automated=is_automated).to_dict()

    def build(ticket: str | None) -> Request:
        json = body if ticket is None else {**body, "p-ticket": ticket}
        return Request(CANCEL_ORDER.method, CANCEL_ORDER.path, None, json, policy.answer_limit)

    response, answer = yield from exchange(policy, build, context)
    if isinstance(answer, dict):
        _raise_refusal(answer, response, context)
        reason = CommandResult.from_dict(answer).failure_reason
        if reason == "Success":
            return
    raise LiquidationRejected(
        f"cancelling order {order_id} was refused: {answer!r:.200}",
        reason=str(answer.get("failureReason")) if isinstance(answer, dict) else "",
        text=None,
        order_id=order_id,
        raw=answer if isinstance(answer, dict) else {},
        account_id=account_id,
    )


def account_steps(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    account_id: int,
    options: dict[str, Any],
    confirm: bool,
) -> Steps[AccountResult]:
    """Flatten one account (see the module docstring); `options` are admin/custom_tag/..."""
    result = AccountResult(account_id)
    try:
        yield from account_item_steps(policy, account_id)
        rows = yield from positions_steps(policy, account_id)
    except TradovateError as exc:
        _attach(exc, result)
        raise
    held = {row.contract_id: row.net_pos for row in rows if _open(row)}
    result.net_before.update(sorted(held.items()))
    try:
        try:
            orders = yield from orders_steps(policy, account_id)
        except STOPPING:
            raise
        except TradovateError as exc:  # the positions go all the same, as liquidate_accounts
            orders = []
            result.cancel_errors.append(exc)
        yield from _cancel_strays(policy, result, orders, held, options)
        for contract_id in result.net_before:
            body = liquidation_request(account_id, contract_id, **options)
            steps = outcome_steps(policy, verification, pending, body, False)
            outcome: LiquidationResult | TradovateError
            try:
                outcome = yield from position_steps((account_id, contract_id), steps)
            except STOPPING:
                raise
            except TradovateError as exc:
                outcome = exc
            result.positions.append(outcome)
            if isinstance(outcome, TradovateError) and (stop := stopping(outcome)) is not None:
                raise stop  # sent, then stopped: recorded above, and nothing more is sent
        flat = yield from _flat_steps(policy, verification, result, confirm)
    except STOPPING as exc:
        _attach(exc, result)
        raise
    return _with_flat(result, flat)


def position_steps(key: tuple[int, int], steps: Steps[T]) -> Steps[T]:
    """One position's liquidation as whole-account calls run it: under the position's
    one-call lock (a Hold). A stopping error met after its POST may have been processed
    already comes out of outcome_steps as that position's OutcomeUnknownError, caused
    by it (see _outcome.py); the caller records it, then stops (_batch.stopping)."""
    return holding([key], steps)


def stray_orders(orders: list[Any], held: dict[int, int]) -> list[int]:
    """The ids, in order, of the working orders on contracts where no position is held:
    liquidateposition cancels the working orders of what it closes, not these, and any
    of them could open a position again after the flatten."""
    strays = []
    for order in orders:
        status = str(getattr(order.ord_status, "value", order.ord_status))
        if status in DONE_STATUSES | DEAD_STATUSES or not isinstance(order.id, int):
            continue
        if order.contract_id not in held:
            strays.append(order.id)
    return sorted(strays)


def _cancel_strays(
    policy: Policy,
    result: AccountResult,
    orders: list[Any],
    held: dict[int, int],
    options: dict[str, Any],
) -> Steps[None]:
    for order_id in stray_orders(orders, held):
        try:
            yield from cancel_steps(policy, result.account_id, order_id, options["is_automated"])
        except STOPPING:
            raise
        except TradovateError as exc:
            result.cancel_errors.append(exc)
        else:
            result.cancelled.append(order_id)


def opened_since(before: dict[int, int], rows: dict[int, int]) -> dict[int, int]:
    """The positions open in `rows` (contract -> netPos) that were not open `before`."""
    return {contract: net for contract, net in rows.items() if contract not in before}


def _flat_steps(
    policy: Policy, verification: Verification, result: AccountResult, confirm: bool
) -> Steps[bool]:
    """Whether every position reads 0: read until it does (confirm) or from what is known.
    After a cancel sent (or failed) the account is read once more in any case: a stray
    order may have filled before its cancel and opened a position (kept as `opened`)."""
    cancels = bool(result.cancelled or result.cancel_errors)
    if not result.net_before and not cancels:
        return True  # the one read showed nothing open, and nothing could open one since
    if not confirm or not result.net_before:
        flat = all(isinstance(o, LiquidationResult) and o.flat is True for o in result.positions)
        if not cancels:
            return flat
        try:
            again = yield from positions_steps(policy, result.account_id)
        except STOPPING:
            raise
        except TradovateError:
            return False  # not read: not known flat
        held = {row.contract_id: row.net_pos for row in again if _open(row)}
        result.opened.update(opened_since(result.net_before, held))
        return flat and not held
    deadline = verification.now() + verification.flat_timeout
    wait = FLAT_FIRST_WAIT
    while True:
        try:
            rows = yield from positions_steps(policy, result.account_id)
        except STOPPING:
            raise
        except TradovateError:
            rows = None
        if rows is not None and not any(_open(row) for row in rows):
            return True
        if rows is not None:
            held = {row.contract_id: row.net_pos for row in rows if _open(row)}
            result.opened.clear()
            result.opened.update(opened_since(result.net_before, held))
        if verification.now() + wait > deadline:
            return False
        yield Sleep(wait, "waiting for the account to read flat", "reading it again")
        wait = min(wait * 2, FLAT_MAX_WAIT)


def _attach(exc: TradovateError, result: AccountResult) -> None:
    """The error that stops an account carries what was done before it."""
    exc.account_result = result  # type: ignore[attr-defined]


def _open(row: Position) -> bool:
    return isinstance(row.net_pos, int) and row.net_pos != 0


def _with_flat(result: AccountResult, flat: bool) -> AccountResult:
    """The result with its verdict; read flat, each liquidation's `flat` is its last read.

    Its pending entry stays: a position reading 0 does not show our closing order done
    (another order may have closed it while ours still works, and would open it the
    other way), and an entry another process merged in meanwhile is not ours to drop;
    the next call on the target reads its orders first, as after liquidate_position
    without confirm."""
    import dataclasses

    if not flat:
        return dataclasses.replace(result, flat=False)
    positions = [
        dataclasses.replace(o, flat=True) if isinstance(o, LiquidationResult) else o
        for o in result.positions
    ]
    return dataclasses.replace(result, flat=True, positions=positions)

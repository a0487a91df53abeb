"""Reading the server's records back: positions, orders, commands. Steps, no I/O.

A read changes nothing, so unlike the liquidation it may be sent again after a timeout,
a dropped connection, a 5xx or an unreadable answer: at most READ_ATTEMPTS times in all,
waiting READ_BACKOFF, then twice that, between tries. A 401, 408, 423, 429, a captcha
or a penalty beyond the budget follow `exchange`'s rules, as for the liquidation.

Within verification a read carries a Budget: no try starts after its window ends, and
every request is cut at its hard end, so a slow server cannot stretch verification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from ._answers import redact
from ._exceptions import OutcomeUnknownError, UnexpectedResponseError
from ._policy import OutOfTime, Policy, exchange
from ._reading import LIST_ANSWER_LIMIT
from ._steps import Request, Sleep, Steps

if TYPE_CHECKING:
    from tradovate_api.models import Command, Order, Position

#: Tries per read in all (the first and two more), after which the read fails.
READ_ATTEMPTS = 3
#: The wait before the second try; doubled before the third (0.1 s, then 0.2 s).
READ_BACKOFF = 0.1


class ReadFailedError(OutcomeUnknownError):
    """A read got no usable answer after READ_ATTEMPTS tries (it changed nothing)."""


class Budget(NamedTuple):
    """The time verification's reads may take, by `now` (wall-clock seconds)."""

    now: Callable[[], float]
    until: float  # no try starts after this (the first try of a round's first read may)
    hard: float  # every request ends by this: `until` plus one request deadline

    def left(self) -> float:
        return self.hard - self.now()

    def over(self) -> bool:
        return self.now() >= self.until

    def fits(self, wait: float) -> bool:
        """Whether a try may still start after waiting `wait` seconds."""
        return self.now() + wait < self.until


def rows_steps(
    policy: Policy,
    operation: Any,  # an Operation of any tag module (each defines its own class)
    params: dict[str, Any],
    model: Any,
    context: dict[str, Any],
    *,
    single: bool = False,
    budget: Budget | None = None,
) -> Steps[list[Any]]:
    """GET `operation`: its JSON array as `model`s, tried as the module docstring says.

    `single`: the answer is one JSON object (an /item read), returned as a one-row list.
    """
    request = Request(operation.method, operation.path, params, None, LIST_ANSWER_LIMIT)
    last: OutcomeUnknownError | None = None
    for attempt in range(READ_ATTEMPTS):
        if attempt:
            wait = READ_BACKOFF * 2 ** (attempt - 1)
            if budget is not None and not budget.fits(wait):
                break  # the settle window ends first: no more tries
            yield Sleep(wait, "read failed", "reading again")
        if budget is not None and budget.left() <= 0:
            break
        try:
            response, answer = yield from exchange(
                policy, _built(request, budget), context, None if budget is None else budget.fits
            )
        except OutOfTime as exc:
            last = exc  # resending within a penalty only earns more tickets
            break
        except OutcomeUnknownError as exc:
            last = exc
            continue
        try:
            if single and isinstance(answer, dict):
                answer = [answer]
            if not isinstance(answer, list):
                raise TypeError("not a JSON array")
            return [model.from_dict(item) for item in answer]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            last = UnexpectedResponseError(
                f"an answer the spec does not describe ({type(exc).__name__}: {exc})",
                response=redact(response),
                **context,
            )
    if last is None:
        raise ReadFailedError(f"GET {operation.path}: no time was left to read", **context)
    raise ReadFailedError(
        f"GET {operation.path}: no usable answer after {attempt + 1} tries ({last.message})",
        response=last.response,
        **context,
    ) from last


def _built(request: Request, budget: Budget | None) -> Callable[[str | None], Request]:
    """The read as sent each time; within a budget its deadline is what is left then
    (after a penalty's wait too), so no try ends after the budget's hard end."""
    if budget is None:
        return lambda _ticket: request
    return lambda _ticket: request._replace(deadline=budget.left())


def positions_steps(
    policy: Policy, account_id: int, budget: Budget | None = None
) -> Steps[list[Position]]:
    from tradovate_api.api.position import POSITION_DEPENDENTS
    from tradovate_api.models import Position

    context = {"account_id": account_id}
    params = {"masterid": account_id}
    return (
        yield from rows_steps(policy, POSITION_DEPENDENTS, params, Position, context, budget=budget)
    )


def orders_steps(
    policy: Policy, account_id: int, budget: Budget | None = None
) -> Steps[list[Order]]:
    from tradovate_api.api.order import ORDER_DEPENDENTS
    from tradovate_api.models import Order

    context = {"account_id": account_id}
    params = {"masterid": account_id}
    return (yield from rows_steps(policy, ORDER_DEPENDENTS, params, Order, context, budget=budget))


def commands_steps(
    policy: Policy, account_id: int, order_id: int, budget: Budget | None = None
) -> Steps[list[Command]]:
    from tradovate_api.api.command import COMMAND_DEPENDENTS
    from tradovate_api.models import Command

    context = {"account_id": account_id}
    params = {"masterid": order_id}
    return (
        yield from rows_steps(policy, COMMAND_DEPENDENTS, params, Command, context, budget=budget)
    )


def net_position_of(positions: list[Position], contract_id: int) -> int:
    """The net position on one contract (0 when there is no row)."""
    return sum(
        row.net_pos
        for row in positions
        if row.contract_id == contract_id and isinstance(row.net_pos, int)
    )


def net_position_steps(policy: Policy, account_id: int, contract_id: int) -> Steps[int]:
    rows = yield from positions_steps(policy, account_id)
    return net_position_of(rows, contract_id)

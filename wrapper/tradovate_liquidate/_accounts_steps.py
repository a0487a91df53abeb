"""liquidate_accounts' requests: chunked reads, the bulk liquidation, settling. No I/O.

LDEPS_CHUNK accounts per `GET /position/ldeps`: 100 ids keep the query near 2 KB
(`masterids=` and up to 8 digits each), well below the 8 KB URL limit common to servers
and proxies, and 100 accounts' positions are far below the list answer limit; 1,000
accounts cost 10 reads instead of 1,000 `/position/deps`.
BULK_CHUNK position ids per `POST /order/liquidatepositions`: the spec's maxItems (a
public client's cap; the vendor's file states none).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ._arguments import check_id
from ._batch import STOPPING
from ._exceptions import NotFlatError, OutcomeUnknownError, TradovateError
from ._policy import Policy, exchange
from ._reads import rows_steps
from ._result import LiquidationResult
from ._steps import Fly, Request, Send, Sleep, Steps, T
from ._verify import FLAT_FIRST_WAIT, FLAT_MAX_WAIT, Verification

if TYPE_CHECKING:
    from tradovate_api.models import Order, Position

LDEPS_CHUNK = 100
METHODS = ("per-position", "bulk")
BULK_CHUNK = 100

#: account id -> contract id -> netPos, as read
Holdings = dict[int, dict[int, int]]


def chunks(items: list[T], size: int) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def counted(steps: Steps[T], counter: Counter[str]) -> Steps[T]:
    """`steps` unchanged, counting each request sent as "METHOD /path" in `counter`."""
    try:
        step = next(steps)
        while True:
            if isinstance(step, Send):
                counter[f"{step.request.method} {step.request.path}"] += 1
            elif isinstance(step, Fly):  # a sign-in or renewal, carried out on its own
                step.steps = counted(step.steps, counter)
            outcome = yield step
            step = steps.send(outcome)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        steps.close()


def visible_steps(policy: Policy) -> Steps[set[int]]:
    """GET /account/list: the ids of every account the token can see (one request)."""
    from tradovate_api.api.account import ACCOUNT_LIST
    from tradovate_api.models import Account

    rows = yield from rows_steps(policy, ACCOUNT_LIST, {}, Account, {})
    return {row.id for row in rows if isinstance(row.id, int)}


def ldeps_steps(policy: Policy, account_ids: list[int]) -> Steps[list[Position]]:
    """GET /position/ldeps for at most LDEPS_CHUNK accounts."""
    from tradovate_api.api.position import POSITION_L_DEPENDENTS
    from tradovate_api.models import Position

    assert 0 < len(account_ids) <= LDEPS_CHUNK
    params = {"masterids": account_ids}
    return (yield from rows_steps(policy, POSITION_L_DEPENDENTS, params, Position, {}))


def order_ldeps_steps(policy: Policy, account_ids: list[int]) -> Steps[list[Order]]:
    """GET /order/ldeps for at most LDEPS_CHUNK accounts: their orders, working and done."""
    from tradovate_api.api.order import ORDER_L_DEPENDENTS
    from tradovate_api.models import Order

    assert 0 < len(account_ids) <= LDEPS_CHUNK
    params = {"masterids": account_ids}
    return (yield from rows_steps(policy, ORDER_L_DEPENDENTS, params, Order, {}))


class ChunkRead(NamedTuple):
    """What liquidate_accounts keeps of one ldeps read: every account's open positions,
    the id of every row read, and the accounts it returned any row for."""

    held: Holdings
    position_ids: dict[tuple[int, int], int]
    seen: frozenset[int]


def chunk_read_steps(policy: Policy, account_ids: list[int]) -> Steps[ChunkRead]:
    """ldeps_steps, reduced in the job itself to a ChunkRead. The Position models then
    die young: kept until their phase ended, a 1,000-account run's thousands of them set
    off a full pass of the garbage collector (17 ms, make bench's accounts suite)."""
    rows = yield from ldeps_steps(policy, account_ids)
    ids = {(row.account_id, row.contract_id): row.id for row in rows if isinstance(row.id, int)}
    seen = frozenset(row.account_id for row in rows)
    return ChunkRead(holdings_of(rows, account_ids), ids, seen)


def holdings_of(rows: list[Position], account_ids: list[int]) -> Holdings:
    """Every listed account's open positions (netPos not 0); an account without is {}."""
    held: Holdings = {account: {} for account in account_ids}
    for row in rows:
        if row.account_id in held and isinstance(row.net_pos, int) and row.net_pos != 0:
            held[row.account_id][row.contract_id] = row.net_pos
    return held


def bulk_steps(policy: Policy, position_ids: list[int], options: dict[str, Any]) -> Steps[str]:
    """POST /order/liquidatepositions once; returns its errorText ("" when ok).

    Never tells which positions were acted on: the caller settles each one by reads. A
    time penalty is waited and the same body resent with its ticket (nothing was done);
    nothing else is ever resent.
    """
    from tradovate_api.api.order import LIQUIDATE_POSITIONS
    from tradovate_api.models import LiquidatePositionsRequest

    assert 0 < len(position_ids) <= BULK_CHUNK
    tag = options["custom_tag"]
    body = LiquidatePositionsRequest(
        positions=position_ids, admin=options["admin"], is_automated=options["is_automated"]
    )
    if tag is not None:
        body.custom_tag_50 = tag
    first = body.to_dict()

    def build(ticket: str | None) -> Request:
        json = first if ticket is None else {**first, "p-ticket": ticket}
        method, path = LIQUIDATE_POSITIONS.method, LIQUIDATE_POSITIONS.path
        return Request(method, path, None, json, policy.answer_limit)

    _response, answer = yield from exchange(policy, build, {})
    if isinstance(answer, dict) and answer.get("ok") is True and not answer.get("errorText"):
        return ""
    if isinstance(answer, dict) and (answer.get("errorText") or answer.get("violations")):
        return str(answer.get("errorText") or answer.get("violations"))
    return f"an answer the spec does not describe: {answer!r:.200}"


def settle_steps(
    policy: Policy, verification: Verification, account_ids: list[int], timeout: float
) -> Steps[Holdings]:
    """Read the accounts (one ldeps) until every position is 0, or `timeout` passes.

    Returns the last holdings read (all empty: flat). A read that fails is tried again
    at the next round; when no read at all succeeded, its error is raised.
    """
    deadline = verification.now() + timeout
    wait = FLAT_FIRST_WAIT
    last: Holdings | None = None
    while True:
        try:
            rows = yield from ldeps_steps(policy, account_ids)
        except STOPPING:
            raise
        except TradovateError:
            if last is None and verification.now() + wait > deadline:
                raise
        else:
            last = holdings_of(rows, account_ids)
            if not any(last.values()):
                return last
        if last is not None and verification.now() + wait > deadline:
            return last
        yield Sleep(wait, "waiting for the accounts to read flat", "reading them again")
        wait = min(wait * 2, FLAT_MAX_WAIT)


def bulk_outcome(
    key: tuple[int, int], note: str, last: dict[int, int] | TradovateError | None
) -> LiquidationResult | TradovateError:
    """What the reads say of one position listed in a bulk request (`note`: its answer)."""
    account, contract = key
    if isinstance(last, dict) and contract not in last:
        return LiquidationResult(account, contract, None, {"bulk": note}, verified=True, flat=True)
    if isinstance(last, dict):
        return NotFlatError(
            f"still reads {last[contract]} after /order/liquidatepositions (answer: {note}); "
            "not sent again",
            net_pos=last[contract],
            account_id=account,
            contract_id=contract,
        )
    cause = f": {last.message}" if isinstance(last, TradovateError) else ""
    return OutcomeUnknownError(
        f"sent by /order/liquidatepositions (answer: {note}), but the position could not "
        f"be read back{cause}; check it before liquidating again",
        account_id=account,
        contract_id=contract,
    )


def check_account_ids(account_ids: Iterable[Any]) -> list[int]:
    """Every id checked; a duplicate is refused naming both indexes (two runs on one
    account could send two closing orders for one position)."""
    if isinstance(account_ids, str | bytes) or not isinstance(account_ids, Iterable):
        kind = type(account_ids).__name__
        raise TypeError(f"account_ids: expected an iterable of ids, not {kind}")
    checked: list[int] = []
    first_at: dict[int, int] = {}
    for index, value in enumerate(account_ids):
        try:
            account = check_id(value, "account_id")
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"account_ids[{index}]: {exc}") from None
        earlier = first_at.setdefault(account, index)
        if earlier != index:
            raise ValueError(
                f"account_ids[{index}]: the same account as account_ids[{earlier}] "
                f"({account}); each account may be listed once"
            )
        checked.append(account)
    return checked


def check_method(method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"method: must be one of {METHODS}, not {method!r}")
    return str(method)

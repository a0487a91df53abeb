"""The fake's whole-account endpoints: accounts, contract symbols, bulk liquidation, cancel.

Reads: `/account/item` (404 for an account the token cannot see: every account the fake
does not hold), `/account/list` and `/contract/items` (an unknown id has no row). Actions:
`/order/liquidatepositions` takes Position ids (the spec's assumption) and flattens them
one by one as liquidateposition does; the first one it cannot act on ends the request
with `{"ok": false, "errorText": ...}`, after the earlier ones were acted on, because
nothing says the vendor's bulk call is all-or-nothing. `/order/cancelorder` cancels one
working order and answers a `CommandResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._orders import LIVE, Book, stamp
from ._reads import _id, _ids, query_values
from ._validate import BodyError
from ._wire import OrderEvent

if TYPE_CHECKING:
    from ._fake import FakeTradovate

ACCOUNT_READ_PATHS = frozenset({"/v1/account/item", "/v1/account/list", "/v1/contract/items"})
BULK_PATH = "/v1/order/liquidatepositions"
CANCEL_PATH = "/v1/order/cancelorder"
ACTION_PATHS = frozenset({BULK_PATH, CANCEL_PATH})
USER_ID = 2_000_001  # the fake's one user, owner of every account


def account_row(account_id: int, status: str, created: str) -> dict[str, Any]:
    """An Account as the vendor's schema has it (`created`: its timestamp, stamped); a
    locked account is `restricted`."""
    return {
        "id": account_id,
        "name": f"DEMO{account_id}",
        "userId": USER_ID,
        "accountType": "Customer",
        "restricted": status == "locked",
        "closed": status == "closed",
        "clearingHouseId": 2,
        "riskCategoryId": 2,
        "autoLiqProfileId": 2,
        "marginAccountType": "Speculator",
        "legalStatus": "Individual",
        "timestamp": created,
    }


def contract_row(contract_id: int, symbol: str) -> dict[str, Any]:
    return {"id": contract_id, "name": symbol, "contractMaturityId": 46104}


def answer_account_read(
    accounts: Mapping[int, str], symbols: Mapping[int, str], path: str, query: str, now: float
) -> tuple[int, Any]:
    """(status, JSON payload) for one of ACCOUNT_READ_PATHS; 400 for a bad query."""
    values, created = query_values(query), stamp(now)  # one stamp: a list has thousands
    if path.endswith("/account/list"):
        return 200, [account_row(a, status, created) for a, status in sorted(accounts.items())]
    try:
        if path.endswith("/contract/items"):
            wanted = _ids(values, "ids")
            return 200, [contract_row(c, symbols[c]) for c in wanted if c in symbols]
        account = _id(values, "id")
    except BodyError as exc:
        return 400, {"errorText": str(exc), "ok": False}
    if account not in accounts:
        return 404, {"errorText": f"Account {account} not found", "ok": False}
    return 200, account_row(account, accounts[account], created)


def liquidate_positions(
    book: Book, liquidate: Callable[[Mapping[str, Any]], dict[str, Any]], request: Mapping[str, Any]
) -> dict[str, Any]:
    """Flatten each listed position in turn; stop at the first that fails (see above)."""
    by_id = {holding.id: key for key, holding in book.positions.items()}
    marks = {key: request[key] for key in ("admin", "customTag50", "isAutomated") if key in request}
    for position_id in dict.fromkeys(request["positions"]):  # a repeated id acts once
        if position_id not in by_id:
            return {"ok": False, "errorText": f"Position {position_id} not found"}
        account, contract = by_id[position_id]
        answer = liquidate({"accountId": account, "contractId": contract, **marks})
        if answer.get("failureReason") != "Success":
            text = answer.get("failureText") or answer.get("failureReason")
            return {"ok": False, "errorText": f"Position {position_id}: {text}"}
    return {"ok": True}


def cancel_order(book: Book, log: list[OrderEvent], request: Mapping[str, Any]) -> dict[str, Any]:
    order = book.orders.get(request["orderId"])
    if order is None:
        return {"failureReason": "UnknownReason", "failureText": "Order not found"}
    if order.status not in LIVE:
        text = f"Order {order.order_id} is {order.status}, no longer working"
        return {"failureReason": "TooLate", "failureText": text}
    book.cancel(order)
    log.append(
        OrderEvent(
            "cancel", order.order_id, order.account_id, order.contract_id, order.action, order.qty
        )
    )
    return {"failureReason": "Success", "commandId": book.commands[-1]["id"]}


def act(fake: FakeTradovate, path: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """The answer of one of ACTION_PATHS (the caller holds the fake's lock)."""
    if path == BULK_PATH:
        return liquidate_positions(fake._book, fake._liquidate, request)
    return cancel_order(fake._book, fake.orders, request)


def parse_positions(text: str) -> list[tuple[int, int, int]]:
    """`123:3570918:2,123:3570919:-1` as (account, contract, net position) triples."""
    triples: dict[tuple[int, int], int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        fields = item.split(":")
        try:
            account, contract, net_pos = (int(field) for field in fields)
        except ValueError:
            raise ValueError(f"{item!r}: expected ACCOUNT:CONTRACT:NETPOS, all integers") from None
        # The ids a Tradovate account and contract have (positive int64; the client sends
        # no other), and a net position the wire's int64 can carry.
        if not (0 < account < 2**63 and 0 < contract < 2**63 and abs(net_pos) < 2**63):
            raise ValueError(f"{item!r}: ids are whole numbers above 0, all within int64")
        if (account, contract) in triples:  # the later one would silently replace it
            raise ValueError(f"{item!r}: account {account} contract {contract} listed twice")
        triples[account, contract] = net_pos
    if not triples:
        raise ValueError("no position listed (for a fake without positions: --empty)")
    return [(account, contract, net) for (account, contract), net in triples.items()]


def seed(fake: FakeTradovate, positions: str | Iterable[tuple[int, int, int]]) -> None:
    triples = parse_positions(positions) if isinstance(positions, str) else positions
    for account, contract, net_pos in triples:
        fake.add_position(account_id=account, contract_id=contract, net_pos=net_pos)

"""The fake's liquidation of one (account, contract): what liquidateposition does.

Cancel the working orders of that account and contract (not those still PendingNew: see
_orders.py), then send one closing order for the whole net position. Shared by
/order/liquidateposition and, position by position, /order/liquidatepositions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ._wire import OrderEvent

if TYPE_CHECKING:
    from ._fake import FakeTradovate


def liquidate_one(fake: FakeTradovate, request: Mapping[str, Any]) -> dict[str, Any]:
    """The PlaceOrderResult of one liquidation (the caller holds the fake's lock)."""
    account, contract = request["accountId"], request["contractId"]
    if fake.open_book:
        fake._accounts.setdefault(account, "active")
        fake._contracts.setdefault(contract, True)
        if (account, contract) not in fake._book.positions:
            fake._book.set_position(account, contract, 1)
    status = fake._accounts.get(account)
    if status is None:
        return _failure("Unauthorized", f"Account {account} is not accessible with this token")
    if status == "closed":
        return _failure("AccountClosed", f"Account {account} is closed")
    if status == "locked":
        return _failure("TradingLocked", f"Trading is locked for account {account}")
    if contract not in fake._contracts:
        return _failure("InvalidContract", f"Contract {contract} does not exist")
    if not fake._contracts[contract]:
        return _failure("SessionClosed", f"The session of contract {contract} is closed")
    for order in fake._book.live_orders(account, contract):
        if order.status == "PendingNew":
            continue  # on its way to the exchange: too late to cancel (see _orders.py)
        fake._book.cancel(order)
        fake.orders.append(
            OrderEvent("cancel", order.order_id, account, contract, order.action, order.qty)
        )
    net_pos = fake._book.net_pos(account, contract)
    if net_pos == 0:
        return {"failureReason": "Success"}  # already flat: nothing to send
    marks = {"custom_tag": request.get("customTag50"), "admin": request["admin"]}
    marks["is_automated"] = request.get("isAutomated")
    side: Literal["Buy", "Sell"] = "Sell" if net_pos > 0 else "Buy"
    order = fake._book.place(account, contract, side, abs(net_pos), closing=True, **marks)
    fake.orders.append(
        OrderEvent("place", order.order_id, account, contract, side, abs(net_pos), **marks)
    )
    return {"failureReason": "Success", "orderId": order.order_id}


def _failure(reason: str, text: str) -> dict[str, Any]:
    return {"failureReason": reason, "failureText": text}

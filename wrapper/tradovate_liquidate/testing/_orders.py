"""The fake's book: positions, orders with a life, their commands and fills. Sans-IO.

An order is born PendingNew, becomes Working after `accept_delay` and then, after
`fill_delay` from its birth, Filled (moving the position), or Rejected by the exchange
(`fill_mode="reject"`), or stays Working for ever (`fill_mode="never"`). With both delays
0 (the default) a closing order fills at once, as the fake always did.

Time only moves when the fake is asked something: `advance(now)` settles every change due
by `now`, so a test clock moved by hand drives the whole book deterministically.

Assumption (the vendor documents none of this): liquidateposition cancels the working
orders of that account and contract, but an order still PendingNew is on its way to the
exchange and cannot be cancelled yet. That is the race which makes a blind resend
dangerous: two closing orders in flight both fill, and the position flips.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

Side = Literal["Buy", "Sell"]
FillMode = Literal["fill", "never", "reject"]
FILL_MODES = ("fill", "never", "reject")
PRICE = 5900.25  # every fill's price: the fake has no market
LIVE = ("PendingNew", "Working")


@dataclass
class BookOrder:
    order_id: int
    account_id: int
    contract_id: int
    action: Side
    qty: int
    created: float
    fate: FillMode
    accept_at: float
    done_at: float | None
    status: str = "PendingNew"
    custom_tag: str | None = None
    is_automated: bool | None = None
    admin: bool = False
    closing: bool = False

    def row(self) -> dict[str, Any]:
        return {
            "id": self.order_id,
            "accountId": self.account_id,
            "contractId": self.contract_id,
            "timestamp": stamp(self.created),
            "action": self.action,
            "ordStatus": self.status,
            "admin": self.admin,
        }


@dataclass
class Holding:
    net_pos: int
    timestamp: float
    prev_pos: int = 0
    bought: int = 0
    sold: int = 0
    id: int = 0
    side: int = 0  # the sign the test opened it with; a fill to the other sign crosses zero

    def row(self, account_id: int, contract_id: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "accountId": account_id,
            "contractId": contract_id,
            "timestamp": stamp(self.timestamp),
            "tradeDate": trade_date(self.timestamp),
            "netPos": self.net_pos,
            "bought": self.bought,
            "boughtValue": self.bought * PRICE,
            "sold": self.sold,
            "soldValue": self.sold * PRICE,
            "prevPos": self.prev_pos,
        }


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def stamp(seconds: float) -> str:
    """Server time as Tradovate writes it: ISO 8601 UTC with milliseconds and a Z (the
    microsecond as datetime rounds it, then cut to the millisecond)."""
    return _stamp((datetime.fromtimestamp(seconds, UTC) - _EPOCH) // _MILLISECOND)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


# Cached by the millisecond written, not by the float: a read of 100 accounts writes
# hundreds of rows seeded microseconds apart, and a bulk request of 100 stamps each order
# and fill within a few ms; formatting each anew was a third of the fake's time in make
# bench's accounts suite.
@functools.lru_cache(maxsize=4096)
def _stamp(milliseconds: int) -> str:
    moment = _EPOCH + milliseconds * _MILLISECOND
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def trade_date(seconds: float) -> dict[str, int]:
    return dict(_day(seconds // 86400))  # a UTC day is exactly 86,400 POSIX seconds


@functools.lru_cache(maxsize=64)
def _day(days: float) -> tuple[tuple[str, int], ...]:
    moment = datetime.fromtimestamp(days * 86400, UTC)
    return (("year", moment.year), ("month", moment.month), ("day", moment.day))


@dataclass
class Book:
    """Positions and orders of every account; the caller holds the fake's lock."""

    clock: Callable[[], float]
    accept_delay: float = 0.0
    fill_delay: float = 0.0
    fill_mode: FillMode = "fill"
    positions: dict[tuple[int, int], Holding] = field(default_factory=dict)
    orders: dict[int, BookOrder] = field(default_factory=dict)
    #: the orders still PendingNew or Working: with thousands placed, scanning every order
    #: on each request made the fake, not the client, the bottleneck of make bench
    live: dict[int, BookOrder] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    fills: list[dict[str, Any]] = field(default_factory=list)
    order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_000_001))
    other_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    #: (account, contract) of every position a fill took across zero (long to short or back)
    crossed: set[tuple[int, int]] = field(default_factory=set)
    #: the most closing orders ever live at once, per (account, contract)
    peak_closing: dict[tuple[int, int], int] = field(default_factory=dict)

    def set_position(self, account_id: int, contract_id: int, net_pos: int) -> None:
        now = self.clock()
        holding = self.positions.get((account_id, contract_id))
        if holding is None:
            self.positions[(account_id, contract_id)] = Holding(
                net_pos, now, id=next(self.other_ids), side=_sign(net_pos)
            )
        else:
            holding.net_pos, holding.timestamp, holding.side = net_pos, now, _sign(net_pos)

    def net_pos(self, account_id: int, contract_id: int) -> int:
        holding = self.positions.get((account_id, contract_id))
        return 0 if holding is None else holding.net_pos

    def live_orders(self, account_id: int, contract_id: int) -> list[BookOrder]:
        return [
            order
            for order in self.live.values()
            if (order.account_id, order.contract_id) == (account_id, contract_id)
        ]

    def place(
        self,
        account_id: int,
        contract_id: int,
        action: Side,
        qty: int,
        *,
        resting: bool = False,
        **marks: Any,
    ) -> BookOrder:
        """A new order; a resting one (a test's own working order) never fills."""
        now = self.clock()
        fate: FillMode = "never" if resting else self.fill_mode
        order = BookOrder(
            next(self.order_ids), account_id, contract_id, action, qty, now, fate,
            accept_at=now if resting else now + self.accept_delay,
            done_at=None if fate == "never" else now + self.fill_delay,
            **marks,
        )  # fmt: skip
        self.orders[order.order_id] = self.live[order.order_id] = order
        tag = marks.get("custom_tag")
        command: dict[str, Any] = {"id": next(self.other_ids), "orderId": order.order_id}
        command["timestamp"] = stamp(now)
        command |= {"commandType": "New", "commandStatus": "AtExecution"}
        if tag is not None:
            command["customTag50"] = tag
        if marks.get("is_automated") is not None:
            command["isAutomated"] = marks["is_automated"]
        self.commands.append(command)
        self.advance(now)
        if order.closing:
            key = (account_id, contract_id)
            live = sum(o.closing for o in self.live_orders(*key))
            self.peak_closing[key] = max(self.peak_closing.get(key, 0), live)
        return order

    def cancel(self, order: BookOrder) -> None:
        order.status = "Canceled"
        self.live.pop(order.order_id, None)
        command: dict[str, Any] = {"id": next(self.other_ids), "orderId": order.order_id}
        command |= {"timestamp": stamp(self.clock()), "commandType": "Cancel"}
        self.commands.append(command | {"commandStatus": "AtExecution"})

    def advance(self, now: float) -> None:
        """Every status change due by `now`, in the order they fall due."""
        due = sorted(self.live.values(), key=lambda order: order.accept_at)
        for order in due:
            if order.status == "PendingNew" and order.accept_at <= now:
                order.status = "Working"
            if order.status == "Working" and order.done_at is not None and order.done_at <= now:
                self._finish(order, max(order.done_at, order.accept_at))

    def _finish(self, order: BookOrder, when: float) -> None:
        del self.live[order.order_id]
        if order.fate == "reject":
            order.status = "Rejected"
            for command in self.commands:
                if command["orderId"] == order.order_id and command["commandType"] == "New":
                    command["commandStatus"] = "ExecutionRejected"
            return
        order.status = "Filled"
        holding = self.positions.setdefault(
            (order.account_id, order.contract_id), Holding(0, when, id=next(self.other_ids))
        )
        holding.prev_pos, holding.timestamp = holding.net_pos, when
        if order.action == "Buy":
            holding.net_pos += order.qty
            holding.bought += order.qty
        else:
            holding.net_pos -= order.qty
            holding.sold += order.qty
        if holding.side * holding.net_pos < 0:
            self.crossed.add((order.account_id, order.contract_id))
        fill: dict[str, Any] = {"id": next(self.other_ids), "orderId": order.order_id}
        fill |= {"contractId": order.contract_id, "timestamp": stamp(when)}
        fill |= {"tradeDate": trade_date(when), "action": order.action, "qty": order.qty}
        self.fills.append(fill | {"price": PRICE, "active": True, "finallyPaired": 0})

    # -- what the read endpoints answer ----------------------------------------------------

    def position_rows(self, account_ids: list[int]) -> list[dict[str, Any]]:
        wanted = set(account_ids)
        return [
            holding.row(account, contract)
            for (account, contract), holding in self.positions.items()
            if account in wanted
        ]

    def order_rows(self, account_ids: list[int]) -> list[dict[str, Any]]:
        wanted = set(account_ids)
        return [order.row() for order in self.orders.values() if order.account_id in wanted]

    def command_rows(self, order_id: int) -> list[dict[str, Any]]:
        return [command for command in self.commands if command["orderId"] == order_id]

    def fill_rows(self, order_id: int) -> list[dict[str, Any]]:
        return [fill for fill in self.fills if fill["orderId"] == order_id]

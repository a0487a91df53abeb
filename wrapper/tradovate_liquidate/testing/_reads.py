"""The fake's GET endpoints: positions, orders, commands and fills, as spec/openapi.yaml says.

Query parameters are checked as strictly as bodies are (an int64 in plain decimal, every
required one present); arrays come as repeated names (`masterids=1&masterids=2`), the
OpenAPI default the spec assumes.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from ._orders import Book
from ._validate import BodyError

READ_PATHS = frozenset(
    f"/v1{path}"
    for path in (
        "/position/deps",
        "/position/ldeps",
        "/order/deps",
        "/order/ldeps",
        "/order/item",
        "/command/deps",
        "/fill/deps",
    )
)
_INT = re.compile(r"-?[0-9]+")


def answer_read(book: Book, path: str, query: str) -> tuple[int, Any]:
    """(status, JSON payload) for one read; 400 with errorText for a bad query."""
    values = query_values(query)
    try:
        if path.endswith("/position/ldeps"):
            return 200, book.position_rows(_ids(values, "masterids"))
        if path.endswith("/order/ldeps"):
            return 200, book.order_rows(_ids(values, "masterids"))
        if path.endswith("/order/item"):
            wanted = _id(values, "id")
            order = book.orders.get(wanted)
            if order is None:
                return 404, {"errorText": f"Order {wanted} not found", "ok": False}
            return 200, order.row()
        master = _id(values, "masterid")
    except BodyError as exc:
        return 400, {"errorText": str(exc), "ok": False}
    if path.endswith("/position/deps"):
        return 200, book.position_rows([master])
    if path.endswith("/order/deps"):
        return 200, book.order_rows([master])
    if path.endswith("/command/deps"):
        return 200, book.command_rows(master)
    return 200, book.fill_rows(master)


def query_values(query: str) -> dict[str, list[str]]:
    """The query's values by name, as parse_qs(keep_blank_values=True) reads them. A query
    without escapes ('%', '+') is split here: parse_qs unquotes each of a 100-account
    read's values, a third of the fake's time for the read."""
    if "%" in query or "+" in query:
        try:
            return parse_qs(query, keep_blank_values=True)
        except ValueError:
            return {}
    values: dict[str, list[str]] = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            values.setdefault(name, []).append(value)
    return values


def _ids(values: dict[str, list[str]], name: str) -> list[int]:
    if not values.get(name):
        raise BodyError(f"{name}: required")
    return [_int(name, text) for text in values[name]]


def _id(values: dict[str, list[str]], name: str) -> int:
    given = values.get(name)
    if not given:
        raise BodyError(f"{name}: required")
    if len(given) > 1:
        raise BodyError(f"{name}: given more than once")
    return _int(name, given[0])


def _int(name: str, text: str) -> int:
    if not _INT.fullmatch(text):
        raise BodyError(f"{name}: expected an integer, not {text[:40]!r}")
    value = int(text)
    if not -(2**63) <= value < 2**63:  # int64, as the spec's ids
        raise BodyError(f"{name}: out of the int64 range")
    return value

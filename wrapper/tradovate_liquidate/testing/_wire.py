"""What the fake's core hands its transports: a Reply, and the records a test reads back."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._faults import Fault, FaultKind

_HTML_ERROR = "<html><body><h1>Error {status}</h1>Origin is unreachable</body></html>"


@dataclass(frozen=True)
class Reply:
    """What the fake answers: the transport or server turns it into bytes on the wire."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    delay: float = 0.0  # seconds from the request's arrival to the answer (see left_to_wait)
    drop: bool = False  # close the connection without answering
    allow: str = "POST"  # the Allow header of a 405
    date: float | None = None  # the server's clock for the Date header (None: no header)


@dataclass(frozen=True)
class OrderEvent:
    """One line of the fake's order log: an order placed or cancelled."""

    action: Literal["place", "cancel"]
    order_id: int
    account_id: int
    contract_id: int
    side: Literal["Buy", "Sell"]
    qty: int
    custom_tag: str | None = None
    is_automated: bool | None = None
    admin: bool | None = None


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the fake received it (never its token) and how it answered."""

    method: str
    path: str
    body: bytes
    status: int
    answer: str  # result, penalty, lockout, unauthorized, malformed, not_found, ...
    user_agent: str | None = None

    def json(self) -> Any:
        return json.loads(self.body)


def _text(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Reply:
    return Reply(status, text.encode(), content_type)


def _json(payload: Mapping[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode(), "application/json")


def disturb(reply: Reply, faults: list[Fault], latency: float, date: float | None = None) -> Reply:
    """Apply the faults that act on an answer already decided (and an order already sent)."""
    delay, drop = latency + reply.delay, reply.drop
    status, body, content_type = reply.status, reply.body, reply.content_type
    for fault in faults:
        kind = fault.kind
        if kind is FaultKind.DELAY:
            delay += fault.seconds
        elif kind is FaultKind.DROP_AFTER_READ:
            drop = True
        elif kind is FaultKind.SERVER_ERROR:
            status, body, content_type = fault.status, b"Internal Server Error", "text/plain"
        elif kind is FaultKind.HTML_ERROR:
            status, content_type = fault.status, "text/html; charset=utf-8"
            body = _HTML_ERROR.format(status=fault.status).encode()
        elif kind is FaultKind.MALFORMED_JSON and status == 200:
            body = body[: max(1, len(body) // 2)]
        elif kind in (FaultKind.UNKNOWN_REASON, FaultKind.EXTRA_FIELDS) and status == 200:
            body = fault.rewrite(body)
    return Reply(status, body, content_type, delay, drop, reply.allow, date)


def arrival() -> float:
    """Now, as left_to_wait counts: a request's arrival, taken before the fake works on it."""
    return time.monotonic()


def left_to_wait(delay: float, arrived: float) -> float:
    """What is left of an answer's `delay` now, for a request that arrived at `arrived`.

    The delay counts from the request's arrival, not from the end of the fake's work on
    it: that work runs under one lock, a request at a time, so with the delay added after
    it a burst of 8 concurrent 100-account reads reached its last answer some 20 ms late,
    a queue no real server puts in front of one user's requests. A real server's latency
    holds its own work; so does the fake's, unless that work takes longer than the delay.
    """
    return max(0.0, delay - (arrival() - arrived))


def http_date(seconds: float) -> str:
    """An IMF-fixdate, as servers write the Date header (whole seconds, truncated)."""
    from email.utils import formatdate

    return formatdate(int(seconds), usegmt=True)

"""The total deadline of one request: a ceiling on every wait inside it.

httpx's timeouts bound each read, so an answer trickled a byte at a time never ends.
The drivers set DEADLINE (a monotonic time) for each request; the connection layer caps
every read and write at the time left, and the body reader stops when it has passed.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

DEADLINE: ContextVar[float | None] = ContextVar("tradovate_liquidate_deadline", default=None)


def bounded(timeout: float | None) -> float | None:
    """`timeout`, shortened to the time left before the current deadline (if any)."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    # Never 0: a socket timeout of 0 means non-blocking, not "time is up".
    left = max(deadline - time.monotonic(), 0.001)
    return left if timeout is None else min(timeout, left)


def passed(deadline: float) -> bool:
    return time.monotonic() >= deadline


def exceeded_message(seconds: float) -> str:
    return f"no complete answer within the {seconds:g} s deadline"

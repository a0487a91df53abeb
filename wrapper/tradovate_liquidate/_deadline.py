"""The total deadline of one request: a ceiling on every wait inside it.

httpx's timeouts bound each read, so an answer trickled a byte at a time never ends.
The drivers set DEADLINE (a monotonic time) for each request; the connection layer caps
every read and write at the time left, and the body reader stops when it has passed.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

import httpx

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


def request_limits(
    wanted: float | None, deadline: float, timeout: httpx.Timeout
) -> tuple[float, httpx.Timeout]:
    """One request's deadline and timeouts: the client's, cut to `wanted` seconds when a
    step asks for less (verification's reads, within the settle window)."""
    if wanted is None:
        return deadline, timeout
    cap = max(min(wanted, deadline), 0.001)  # never 0: that means "no limit" to httpx
    times = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    cut = [cap if value is None else min(value, cap) for value in times]
    return cap, httpx.Timeout(connect=cut[0], read=cut[1], write=cut[2], pool=cut[3])

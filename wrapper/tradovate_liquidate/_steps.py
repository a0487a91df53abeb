"""The steps a protocol generator yields, and what a driver sends back: no I/O, no models.

A protocol (see _policy.py) is a generator: it yields a step, the driver carries it out
and sends back what happened (an httpx.Response or httpx.RequestError for a Send, None
for the others), and the generator's return value is the call's result. The sync and
the async client are two drivers of the same generators.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import httpx

if TYPE_CHECKING:
    from ._exceptions import TradovateError

T = TypeVar("T")


class Request(NamedTuple):
    """One HTTP request, relative to the client's base URL; the driver adds auth headers.

    `max_bytes` bounds the answer after decompression (see _reading.py). `token`
    overrides the driver's token for this request; `bearer=False` sends no Authorization
    header at all (a sign-in). `deadline` (seconds) shortens the client's deadline for
    this request alone: verification's reads stop when its settle window does.
    """

    method: str
    path: str
    params: dict[str, Any] | None
    body: dict[str, Any] | None
    max_bytes: int
    token: str | None = None
    bearer: bool = True
    deadline: float | None = None


# Plain classes rather than dataclasses: dataclasses cost a cold import several ms.
class Send:
    __slots__ = ("request",)

    def __init__(self, request: Request) -> None:
        self.request = request


class Sleep:
    """Wait before the next step (this call only); the log says `reason` and what the
    wait comes before (`then`)."""

    __slots__ = ("reason", "seconds", "then")

    def __init__(
        self, seconds: float, reason: str = "no connection", then: str = "sending again"
    ) -> None:
        self.seconds = seconds
        self.reason = reason
        self.then = then


class Penalty:
    """Every call on this client must hold off for `seconds` (the penalty is shared)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class RefreshToken:
    """Ask the token source for the current token before the next Send.

    A driver or session that cannot get one puts the error in `error`, and the protocol
    raises it where the request was: a read after a liquidation then fails as a read
    (an unknown outcome), never as "nothing was done" raised from outside the protocol.
    """

    __slots__ = ("error",)

    def __init__(self) -> None:
        self.error: TradovateError | None = None


class Await:
    """Wait until another call's sign-in or renewal (a _session.Flight) is over."""

    __slots__ = ("flight",)

    def __init__(self, flight: Any) -> None:
        self.flight = flight


class Fly:
    """Carry out `steps` (a sign-in or renewal that other calls wait for) to their end,
    even if the call that started them is cancelled meanwhile: the async client runs them
    as a task of their own, so a cancelled caller cannot throw away a sign-in that may
    have opened a session. The driver puts their result, or their TradovateError, here.
    """

    __slots__ = ("error", "result", "steps")

    def __init__(self, steps: Generator[Any, Any, Any]) -> None:
        self.steps = steps
        self.result: Any = None
        self.error: Exception | None = None


def _nothing() -> None:
    return None


class Hold:
    """Take the client's one-call-per-position locks of `keys` (liquidate_position holds
    its own the same way), all at once in sorted order, so that no two calls of one client
    send closing orders for one position side by side. The driver waits for them and puts
    their release here; the protocol releases them itself (see `holding`), also when it
    is closed midway, since every driver closes the steps it carries out.
    """

    __slots__ = ("keys", "release")

    def __init__(self, keys: Any) -> None:
        self.keys: list[tuple[int, int]] = sorted(set(keys))
        self.release: Any = _nothing


def holding(keys: Any, steps: Steps[T]) -> Steps[T]:
    """`steps` carried out while holding the locks of `keys` (a Hold)."""
    hold = Hold(keys)
    yield hold
    try:
        return (yield from steps)
    finally:
        hold.release()
        steps.close()


Step = Send | Sleep | Penalty | RefreshToken | Await | Fly | Hold
Outcome = httpx.Response | httpx.RequestError
Steps = Generator[Step, Outcome | None, T]

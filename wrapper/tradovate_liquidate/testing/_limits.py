"""The fake's rate limiting: time-penalty tickets shared by every caller, and 429 lockouts.

The model (an assumption, see the README): the caller may send `budget` requests per
`window` seconds. The next one gets a time-penalty ticket. Until the penalty ends every
request without that ticket is answered with the same ticket and the time left (tickets
are tied to the caller's network, so concurrent callers share one penalty), and each such
request counts as abuse; after `captcha_after` of them the answer carries p-captcha, which
no program can get past (it lasts until the test lifts it). Once the penalty has ended, a
resend carrying the ticket is served without counting, and the budget starts afresh.
"""

from __future__ import annotations

import math
import uuid
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimit:
    budget: int
    window: float = 3600.0
    penalty_seconds: int = 1
    captcha_after: int = 100

    def __post_init__(self) -> None:
        if (
            self.budget < 0
            or self.window <= 0
            or self.penalty_seconds < 0
            or self.captcha_after < 1
        ):
            raise ValueError(f"impossible rate limit: {self!r}")


@dataclass(frozen=True)
class Penalty:
    ticket: str
    seconds: int
    captcha: bool

    def answer(self) -> dict[str, object]:
        body: dict[str, object] = {"p-ticket": self.ticket, "p-time": self.seconds}
        if self.captcha:
            body["p-captcha"] = True
        return body


@dataclass
class Limiter:
    """Decides, per authenticated and well-formed request, whether to serve it."""

    limit: RateLimit | None = None
    tickets_issued: int = 0
    _served: deque[float] = field(default_factory=deque)
    _ticket: str | None = None
    _ready_at: float = 0.0
    _abuse: int = 0
    _captcha: bool = False
    _locked_until: float = 0.0
    _lockout_seconds: float = 0.0

    def lock_out(self, now: float, seconds: float) -> None:
        self._lockout_seconds = seconds
        self._locked_until = now + seconds

    def locked(self, now: float) -> bool:
        """True while locked out; every request sent meanwhile extends the lockout."""
        if now >= self._locked_until:
            return False
        self._locked_until = now + self._lockout_seconds
        return True

    def impose(self, now: float, seconds: int, *, captcha: bool = False) -> None:
        """Start a penalty now, as if the budget had just run out."""
        self._new_ticket(now, seconds)
        self._captcha = captcha

    def lift(self) -> None:
        """End any penalty, captcha included, and restart the budget."""
        self._ticket, self._captcha, self._abuse = None, False, 0
        self._served.clear()

    def check(self, now: float, ticket: str | None) -> Penalty | None:
        """None to serve the request, or the penalty to answer with."""
        if self._ticket is not None:
            if now < self._ready_at or self._captcha:
                # Sending during a penalty, with or without the ticket, is abuse.
                self._abuse += 1
                if self.limit is not None and self._abuse >= self.limit.captcha_after:
                    self._captcha = True
                return self._current(now)
            if ticket == self._ticket:
                return None  # redeemed after the wait; does not count against the budget
        if self.limit is None:
            return None
        while self._served and self._served[0] <= now - self.limit.window:
            self._served.popleft()
        if len(self._served) >= self.limit.budget:
            self._new_ticket(now, self.limit.penalty_seconds)
            return self._current(now)
        self._served.append(now)
        return None

    def _new_ticket(self, now: float, seconds: int) -> None:
        self._served.clear()
        self._ticket = uuid.uuid4().hex
        self._ready_at = now + seconds
        self._abuse = 0
        self._captcha = False
        self.tickets_issued += 1

    def _current(self, now: float) -> Penalty:
        assert self._ticket is not None
        return Penalty(self._ticket, max(0, math.ceil(self._ready_at - now)), self._captcha)

"""TokenManager: one Tradovate session's token, when to renew it, and who does. No I/O.

The manager only decides; the step generators in _session_steps.py do the sign-in or
renewal, carried out by whichever client asked (sync or async). Its rules:

- sign in lazily, the first time a token is needed;
- keep the token with the answer's own `expirationTime`;
- renew when less than `renew_before` is left (or half the token's lifetime, when that is
  shorter, so a short-lived token is not renewed on every call);
- sign in again only when no valid token is held: none yet, expired, or refused by the
  server (a 401 or 408 on a call made with it, and then its renewal refused too: a
  renewal proves whether the token is valid without opening a session);
- single flight: while one caller signs in or renews, every other caller waits for that
  flight (a `Flight`) and shares its outcome, failure included; but while a renewal is
  in flight, a caller whose held token is still valid goes on with it, without waiting;
- a sign-in the server refused (errorText, 429, captcha), or whose outcome is unknown (a
  5xx, a timeout: it may have opened a session), is answered from memory for
  SIGN_IN_FAILURE_HOLD seconds, doubled for each further failure in a row (or the wait
  the server asked for), so a retry loop cannot become a login storm that locks the user
  out for an hour or closes their other sessions.

The state is guarded by a threading.Lock that is never held across I/O, so one manager
can serve threads and asyncio tasks of several clients at once.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from ._config import DEFAULT_RENEW_BEFORE
from ._credentials import Credentials
from ._exceptions import RateLimitError, TradovateError

#: After a renewal failed for a passing reason (no connection, 5xx) while the token is
#: still valid, the next renewal is tried no sooner than this.
RENEW_RETRY_AFTER = 30.0
#: How long a failed sign-in is answered from memory instead of signing in again; each
#: further failure in a row doubles it, up to SIGN_IN_FAILURE_MAX_HOLD (the vendor allows
#: about 5 sign-ins an hour before a lockout).
SIGN_IN_FAILURE_HOLD = 60.0
SIGN_IN_FAILURE_MAX_HOLD = 20 * 60.0
#: The least time between the end of one sign-in or renewal and a keep_alive's next one
#: (a quarter of the token's lifetime, within these bounds), so no clock or answer can
#: make the background renewal a tight loop.
MIN_FLIGHT_GAP, MAX_FLIGHT_GAP = 1.0, 30.0


class Grant(NamedTuple):
    """A token and when it ends (seconds on the manager's clock, i.e. Unix time)."""

    token: str
    expires_at: float

    def __repr__(self) -> str:  # TokenManager.current() is public: never show the token
        return f"Grant(token='[redacted]', expires_at={self.expires_at!r})"


class Flight:
    """One sign-in or renewal in progress; the others wait on it instead of sending.

    `error` is the failure it ended in (None on success). Waiting differs for threads and
    tasks, so it is done by `wait_for` in _sync_support.py / _async_support.py.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.error: TradovateError | None = None
        self.done = threading.Event()
        self._callbacks: list[Callable[[], object]] = []
        self._lock = threading.Lock()

    def add_done_callback(self, callback: Callable[[], object]) -> None:
        with self._lock:
            if not self.done.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def finish(self, error: TradovateError | None) -> None:
        with self._lock:
            self.error = error
            self.done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            # RuntimeError: a waiter's event loop is closed, nobody waits there any more.
            with contextlib.suppress(RuntimeError):
                callback()


class Ready(NamedTuple):
    token: str
    generation: int


class Wait(NamedTuple):
    flight: Flight


class Lead(NamedTuple):
    """The caller must carry out `flight` (kind "sign_in" or "renew", renewing `token`)."""

    flight: Flight
    token: str | None


class TokenManager:
    """One session, shared by every client it is given to as `token=`.

        manager = TokenManager(Credentials.from_env())
        fast = LiquidationClient(token=manager)
        batch = AsyncLiquidationClient(token=manager)    # same session, one sign-in

    Tradovate allows 2 concurrent sessions per user: a third sign-in closes the oldest
    (possibly your trading system's own), whose calls then fail with 408, 429 or 5xx.
    Share one manager between the clients of a process rather than giving each its own
    `credentials=`. `renew_before` (seconds, default 15 minutes) and `clock` (Unix time,
    injectable for tests) are the manager's. repr() never shows the token.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        renew_before: float = DEFAULT_RENEW_BEFORE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(credentials, Credentials):
            kind = type(credentials).__name__
            raise TypeError(f"credentials: expected a Credentials, not {kind}")
        if isinstance(renew_before, bool) or not isinstance(renew_before, int | float):
            raise TypeError(f"renew_before: expected seconds, not {type(renew_before).__name__}")
        if not 0 <= renew_before < float("inf"):
            raise ValueError(f"renew_before: must be 0 or more seconds, not {renew_before!r}")
        if not callable(clock):
            raise TypeError("clock: expected a callable returning Unix time")
        self.credentials = credentials
        self.renew_before = float(renew_before)
        self.clock = clock
        self._lock = threading.Lock()
        self._grant: Grant | None = None
        self._lifetime = 0.0
        self._generation = 0
        self._flight: Flight | None = None
        self._held: TradovateError | None = None
        self._held_until = 0.0
        self._failures = 0
        self._renew_not_before = 0.0
        self._last_flight_end = float("-inf")
        #: Sign-ins and renewals this manager started (requests, answered or not).
        self.sign_ins = 0
        self.renewals = 0

    def __repr__(self) -> str:
        grant = self._grant
        left = "no token" if grant is None else f"{grant.expires_at - self.clock():.0f} s left"
        return f"<TokenManager user={self.credentials.username!r} {left}>"

    @property
    def expires_at(self) -> float | None:
        """When the held token ends (Unix time), or None before the first sign-in."""
        grant = self._grant
        return None if grant is None else grant.expires_at

    def adopt(self, token: str, expires_at: float) -> None:
        """Start from a token obtained earlier (the CLI's cache): renewed, not signed in."""
        from ._config import check_token

        with self._lock:
            self._grant = Grant(check_token(token), float(expires_at))
            self._lifetime = max(0.0, float(expires_at) - self.clock())
            self._generation += 1

    def current(self) -> Grant | None:
        """The held token if it is still valid (for the CLI's cache), else None."""
        grant = self._grant
        return grant if grant is not None and self.clock() < grant.expires_at else None

    def renewal_due_in(self) -> float:
        """Seconds until a renewal (or sign-in) is due; 0 when it is due now."""
        with self._lock:
            grant, now = self._grant, self.clock()
            if grant is None:
                return 0.0
            due = grant.expires_at - self._threshold()
            gap = min(MAX_FLIGHT_GAP, max(MIN_FLIGHT_GAP, self._lifetime / 4))
            next_flight = self._last_flight_end + gap
            return max(0.0, due - now, self._renew_not_before - now, next_flight - now)

    def _threshold(self) -> float:
        return min(self.renew_before, self._lifetime / 2)

    def claim(self, refused: int | None = None, force_renew: bool = False) -> Ready | Wait | Lead:
        """What a caller must do to get a token.

        `refused` is the generation of a token the server just refused (401/408): it is
        renewed (a sign-in follows only when the renewal is refused too), unless another
        caller already replaced it. `force_renew` renews a valid token
        even when not due (warm_up).
        """
        with self._lock:
            now = self.clock()
            grant = self._grant
            if self._flight is not None:
                if (
                    self._flight.kind == "renew"
                    and grant is not None
                    and now < grant.expires_at
                    and refused != self._generation
                    and not force_renew
                ):  # the held token is still good: no call waits for a renewal
                    return Ready(grant.token, self._generation)
                return Wait(self._flight)
            if self._held is not None and now < self._held_until:
                raise copy.copy(self._held)
            if grant is None or now >= grant.expires_at:
                kind = "sign_in"
            elif (
                refused == self._generation  # a renewal proves it without opening a session
                or force_renew
                or (grant.expires_at - now < self._threshold() and now >= self._renew_not_before)
            ):
                kind = "renew"
            else:
                return Ready(grant.token, self._generation)
            self._flight = Flight(kind)
            if grant is None or kind == "sign_in":
                self.sign_ins += 1
                return Lead(self._flight, None)
            self.renewals += 1
            return Lead(self._flight, grant.token)

    def count_sign_in(self) -> None:
        """A renewal that failed is followed by a sign-in within the same flight."""
        with self._lock:
            self.sign_ins += 1

    def succeed(self, flight: Flight, grant: Grant) -> int:
        """Keep the new token; returns its generation."""
        with self._lock:
            self._grant = grant
            self._lifetime = max(0.0, grant.expires_at - self.clock())
            self._generation += 1
            self._held, self._renew_not_before, self._failures = None, 0.0, 0
            self._flight, self._last_flight_end = None, self.clock()
            generation = self._generation
        flight.finish(None)
        return generation

    def postpone(self, flight: Flight, wait: float = RENEW_RETRY_AFTER) -> Ready | None:
        """A renewal failed for a passing reason: keep a still-valid token, try again in
        `wait` seconds. None when the token is no longer valid."""
        with self._lock:
            grant, now = self._grant, self.clock()
            if grant is None or now >= grant.expires_at:
                return None
            self._renew_not_before = now + wait
            self._flight, self._last_flight_end = None, now
            ready = Ready(grant.token, self._generation)
        flight.finish(None)
        return ready

    def fail(self, flight: Flight, error: TradovateError | None, *, hold: bool) -> None:
        """The flight ended in `error`; when `hold`, answer from memory for a while."""
        with self._lock:
            if hold and error is not None:
                wait = error.retry_after if isinstance(error, RateLimitError) else None
                backoff = SIGN_IN_FAILURE_HOLD * 2 ** min(self._failures, 10)
                self._failures += 1
                self._held = error
                self._held_until = self.clock() + max(
                    wait or 0.0, min(backoff, SIGN_IN_FAILURE_MAX_HOLD)
                )
            self._flight = None
        flight.finish(error)

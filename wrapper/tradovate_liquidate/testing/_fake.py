"""FakeTradovate: an in-memory Tradovate that answers liquidateposition as the real one does.

The core is sans-IO: `handle()` takes a request's method, path, headers and body and
returns a `Reply`. `FakeTransport` (in-process, for httpx) and `FakeServer` (real HTTP
on loopback) only carry bytes, so both ways of reaching the fake behave identically.
"""

from __future__ import annotations

import itertools
import secrets
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ._accounts import ACCOUNT_READ_PATHS, ACTION_PATHS, act, answer_account_read, seed
from ._auth import AUTH_PATHS, FakeAuth, kept_body
from ._faults import Fault, FaultKind
from ._flatten import liquidate_one
from ._limits import Limiter, RateLimit
from ._orders import FILL_MODES, Book, FillMode
from ._reads import READ_PATHS, answer_read
from ._validate import BodyError, parse_body
from ._wire import OrderEvent, ReceivedRequest, Reply, _json, _text, disturb

if TYPE_CHECKING:
    from ._server import FakeServer
    from ._transport import FakeTransport

PATH = "/v1/order/liquidateposition"
DEFAULT_TOKEN_LIFETIME = 90 * 60.0
AccountStatus = Literal["active", "closed", "locked"]
_ACCOUNT_STATUSES = ("active", "closed", "locked")
#: A late action's answer never comes in time: the client's read timeout ends the wait.
LATE_REPLY_DELAY = 3600.0


class FakeTradovate:
    """An in-memory Tradovate for tests: accounts, positions, orders, tokens, limits, faults.

    >>> fake = FakeTradovate()
    >>> token = fake.issue_token()
    >>> account = fake.add_account()
    >>> fake.add_position(account_id=account, contract_id=3570918, net_pos=2)

    Serve it in-process with `transport()` (for httpx.Client and httpx.AsyncClient) or
    over real HTTP with `serve()`. Every method is thread-safe.
    """

    def __init__(
        self,
        *,
        rate_limit: RateLimit | None = None,
        latency: float = 0.0,
        open_book: bool = False,
        clock: Callable[[], float] = time.time,
        auth: FakeAuth | None = None,
        accept_delay: float = 0.0,
        fill_delay: float = 0.0,
        fill_mode: FillMode = "fill",
        clock_offset: float = 0.0,
        date_header: bool = True,
    ) -> None:
        """`open_book`: every account is active, every contract open, and every position not
        set explicitly holds one lot until liquidated. Generated requests (schemathesis,
        hypothesis) then really flatten positions instead of meeting unknown accounts.

        `clock` is wall-clock seconds (order timestamps are written from it); a test moves
        a hand-driven one. Orders go PendingNew -> Working after `accept_delay`, then
        Filled after `fill_delay`; `fill_mode` "never" leaves them Working, "reject" has
        the exchange reject them instead (see _orders.py). `latency`: seconds from each
        request's arrival to its answer, the fake's own work inside it (_wire.left_to_wait).

        `clock_offset` (settable later) puts the server's clock that many seconds ahead
        of `clock` (negative: behind), for order timestamps and the HTTP Date header that
        every answer carries (`date_header=False` leaves it out)."""
        if fill_mode not in FILL_MODES:
            raise ValueError(f"fill_mode must be one of {FILL_MODES}, not {fill_mode!r}")
        self.latency = latency
        self.open_book = open_book
        self._wall = clock
        self.clock_offset = clock_offset
        self.date_header = date_header
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self.auth = (auth or FakeAuth()).bind(self._tokens, self._clock)
        self._accounts: dict[int, AccountStatus] = {}
        self._contracts: dict[int, bool] = {}
        self._symbols: dict[int, str] = {}  # contract id -> its symbol (/contract/items)
        self._book = Book(self._clock, accept_delay, fill_delay, fill_mode)
        self._late: list[tuple[float, dict[str, Any]]] = []
        self._account_ids = itertools.count(100_001)
        self._limiter = Limiter(rate_limit)
        self._scheduled: deque[Fault | None] = deque()
        self._standing: list[Fault] = []
        self.orders: list[OrderEvent] = []
        self.requests: list[ReceivedRequest] = []

    def _clock(self) -> float:
        """The server's clock: the test's, moved by `clock_offset`."""
        return self._wall() + self.clock_offset

    def __repr__(self) -> str:
        return (
            f"<FakeTradovate accounts={len(self._accounts)} orders={len(self.orders)} "
            f"requests={len(self.requests)}>"
        )

    # -- state a test sets up ------------------------------------------------------------

    def issue_token(self, *, expires_in: float = DEFAULT_TOKEN_LIFETIME) -> str:
        """A new access token, valid for `expires_in` seconds (negative: already expired)."""
        token = secrets.token_urlsafe(24)
        self.accept_token(token, expires_in=expires_in)
        return token

    def accept_token(self, token: str, *, expires_in: float = DEFAULT_TOKEN_LIFETIME) -> None:
        """Make a token of the caller's choosing valid (the CLI's --token)."""
        with self._lock:
            self._tokens[token] = self._clock() + expires_in

    def expire_token(self, token: str) -> None:
        with self._lock:
            self._tokens[token] = float("-inf")

    def add_account(
        self, account_id: int | None = None, *, status: AccountStatus = "active"
    ) -> int:
        if status not in _ACCOUNT_STATUSES:
            raise ValueError(f"status must be one of {_ACCOUNT_STATUSES}, not {status!r}")
        with self._lock:
            chosen = next(self._account_ids) if account_id is None else account_id
            self._accounts[chosen] = status
            return chosen

    def set_account_status(self, account_id: int, status: AccountStatus) -> None:
        self.add_account(account_id, status=status)

    def add_contract(
        self, contract_id: int, *, session_open: bool = True, symbol: str | None = None
    ) -> int:
        with self._lock:
            self._contracts[contract_id] = session_open
            self._symbols[contract_id] = symbol or self._symbols.get(contract_id, f"C{contract_id}")
            return contract_id

    def add_position(self, *, account_id: int, contract_id: int, net_pos: int) -> None:
        """Hold `net_pos` (negative: short) of the contract; adds account and contract if new."""
        with self._lock:
            self._accounts.setdefault(account_id, "active")
            self._contracts.setdefault(contract_id, True)
            self._symbols.setdefault(contract_id, f"C{contract_id}")
            self._book.set_position(account_id, contract_id, net_pos)

    def add_positions(self, positions: str | Iterable[tuple[int, int, int]]) -> None:
        """Seed many: `"123:3570918:2,123:3570919:-1"` or (account, contract, net_pos) triples."""
        seed(self, positions)

    def position_id(self, account_id: int, contract_id: int) -> int:
        """The `id` of the Position row (what /order/liquidatepositions takes)."""
        with self._lock:
            return self._book.positions[(account_id, contract_id)].id

    def add_working_order(
        self,
        *,
        account_id: int,
        contract_id: int,
        side: Literal["Buy", "Sell"] = "Buy",
        qty: int = 1,
    ) -> int:
        """A resting order of the account's own (it never fills); liquidation cancels it."""
        with self._lock:
            return self._book.place(account_id, contract_id, side, qty, resting=True).order_id

    def position(self, account_id: int, contract_id: int) -> int:
        with self._lock:
            self._settle()
            return self._book.net_pos(account_id, contract_id)

    def working_orders(self, account_id: int, contract_id: int) -> list[int]:
        """Ids of the orders still PendingNew or Working on that account and contract."""
        with self._lock:
            self._settle()
            return [o.order_id for o in self._book.live_orders(account_id, contract_id)]

    @property
    def crossed_zero(self) -> set[tuple[int, int]]:
        """(account, contract) of every position a fill ever took across zero."""
        with self._lock:
            self._settle()
            return set(self._book.crossed)

    @property
    def peak_closing_orders(self) -> dict[tuple[int, int], int]:
        """The most closing orders ever live at once on each (account, contract)."""
        with self._lock:
            return dict(self._book.peak_closing)

    def order_status(self, order_id: int) -> str:
        with self._lock:
            self._settle()
            return self._book.orders[order_id].status

    @property
    def placed(self) -> list[OrderEvent]:
        """The closing orders the fake sent, in order."""
        return [event for event in self.orders if event.action == "place"]

    # -- limits and faults ---------------------------------------------------------------

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        with self._lock:
            self._limiter.limit = limit

    def impose_penalty(self, seconds: int = 1, *, captcha: bool = False) -> None:
        """Answer the next requests with a time-penalty ticket, as if the budget ran out."""
        with self._lock:
            self._limiter.impose(self._clock(), seconds, captcha=captcha)

    def lift_penalty(self) -> None:
        with self._lock:
            self._limiter.lift()

    def lock_out(self, seconds: float = 3600.0) -> None:
        """Answer 429 with an empty body; each request during the lockout extends it."""
        with self._lock:
            self._limiter.lock_out(self._clock(), seconds)

    @property
    def tickets_issued(self) -> int:
        return self._limiter.tickets_issued

    def inject(self, fault: Fault, *, times: int | None = 1) -> None:
        """Apply `fault` to the next `times` requests, or to every request when None."""
        with self._lock:
            if times is None:
                self._standing.append(fault)
            else:
                self._scheduled.extend([fault] * times)

    def schedule(self, faults: Iterable[Fault | None]) -> None:
        """Apply these to the next requests, one each, in order; None means no fault."""
        with self._lock:
            self._scheduled.extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._scheduled.clear()
            self._standing.clear()

    # -- serving -------------------------------------------------------------------------

    def transport(self) -> FakeTransport:
        """An httpx transport serving this fake in-process (sync and async)."""
        from ._transport import FakeTransport

        return FakeTransport(self)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, ssl_context: ssl.SSLContext | None = None
    ) -> FakeServer:
        """Serve over real HTTP on loopback (HTTPS with `ssl_context`); a context manager."""
        from ._server import FakeServer

        return FakeServer(self, host, port, ssl_context).start()

    def handle(
        self,
        method: str,
        path: str,
        body: bytes,
        *,
        authorization: str | None = None,
        query: str = "",
        user_agent: str | None = None,
    ) -> Reply:
        """Answer one request, given its Authorization and User-Agent headers and query."""
        with self._lock:
            self._settle()
            is_read = path.rstrip("/") in READ_PATHS | ACCOUNT_READ_PATHS
            faults = self._faults_for_next_request(is_read)
            if is_read:
                reply, answer = self._read(method, path, query, authorization, faults)
            else:
                reply, answer = self._answer(method, path, authorization, body, faults)
            kept = kept_body(path, body)  # never a password
            received = ReceivedRequest(method, path, kept, reply.status, answer, user_agent)
            self.requests.append(received)
            date = self._clock() if self.date_header else None
        return disturb(reply, faults, self.latency, date)

    def _settle(self) -> None:
        """Late actions and order status changes due by now (the caller holds the lock)."""
        now = self._clock()
        for due, request in sorted(self._late, key=lambda late: late[0]):
            if due <= now:
                self._book.advance(due)
                self._late.remove((due, request))
                self._liquidate(request)
        self._book.advance(now)

    def _read(
        self, method: str, path: str, query: str, authorization: str | None, faults: list[Fault]
    ) -> tuple[Reply, str]:
        if method != "GET":
            return Reply(405, b"Method not allowed", "text/plain", allow="GET"), "not_allowed"
        if self._limiter.locked(self._clock()):
            return Reply(429), "lockout"
        if (closed := self.auth.closed(authorization)) is not None:
            return closed
        if not self._authorised(authorization, self._clock()):
            return _text(401, "Access is denied"), "unauthorized"
        if faults:
            return _text(faults[-1].status, "Internal Server Error"), "read_error"
        if path.rstrip("/") in ACCOUNT_READ_PATHS:
            accounts, symbols, now = self._accounts, self._symbols, self._clock()
            status, payload = answer_account_read(accounts, symbols, path.rstrip("/"), query, now)
        else:
            status, payload = answer_read(self._book, path.rstrip("/"), query)
        return _json(payload, status), "read" if status == 200 else "bad_query"

    # -- the answer ----------------------------------------------------------------------

    def _faults_for_next_request(self, is_read: bool) -> list[Fault]:
        """Read faults go to reads, the others (and None) to liquidations, each in order."""
        scheduled: Fault | None = None
        for index, fault in enumerate(self._scheduled):
            if (fault is not None and fault.on_reads) == is_read:
                scheduled = fault
                del self._scheduled[index]
                break
        standing = [fault for fault in self._standing if fault.on_reads == is_read]
        return [*standing, *([scheduled] if scheduled else [])]

    def _answer(
        self,
        method: str,
        path: str,
        authorization: str | None,
        body: bytes,
        faults: list[Fault],
    ) -> tuple[Reply, str]:
        now = self._clock()
        if path.rstrip("/") in AUTH_PATHS:
            return self.auth.answer(method, path.rstrip("/"), authorization, body, self._limiter)
        path = path.rstrip("/")
        if path != PATH and path not in ACTION_PATHS:
            return _text(404, "Not found"), "not_found"
        if method != "POST":
            reply = Reply(405, b"Method not allowed", "text/plain; charset=utf-8")
            return reply, "method_not_allowed"
        if self._limiter.locked(now):
            return Reply(429), "lockout"
        if (closed := self.auth.closed(authorization)) is not None:
            return closed  # a newer sign-in of the user closed this token's session
        if not self._authorised(authorization, now):
            return _text(401, "Access is denied"), "unauthorized"
        try:
            request = parse_body(body, path.removeprefix("/v1"))
        except BodyError as exc:
            return _json({"errorText": str(exc), "ok": False}, status=400), "malformed"
        penalty = self._limiter.check(now, request.get("p-ticket"))
        if penalty is not None:
            return _json(penalty.answer()), "penalty"
        for fault in faults:
            if fault.kind is FaultKind.ERROR_TEXT:
                return _json({"errorText": fault.text, "ok": False}), "error_text"
            if fault.kind is FaultKind.VIOLATIONS:
                violation = {"constraint": "accountId", "value": str(request.get("accountId"))}
                violation["description"] = fault.text
                return _json({"violations": [violation]}), "violations"
            if fault.kind is FaultKind.DROP_BEFORE_ACTING:
                return Reply(200, drop=True), "dropped"
            if fault.kind is FaultKind.LATE_ACTION and path == PATH:
                self._late.append((now + fault.seconds, request))
                return Reply(200, delay=LATE_REPLY_DELAY), "late"
        if path != PATH:
            return _json(act(self, path, request)), "result"
        return _json(self._liquidate(request)), "result"

    def _authorised(self, authorization: str | None, now: float) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and self._tokens.get(token, float("-inf")) > now

    def _liquidate(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return liquidate_one(self, request)

"""The fake's sign-in and sessions: users, tokens with a lifetime, renewal, 2 sessions.

The model (from the vendor's description; see the README for what is assumed):

- POST /auth/accesstokenrequest checks the user's name and password (and app id, cid and
  sec when the user was given them); a wrong one answers 200 with `errorText`. Success
  opens a session with a token valid for `token_lifetime` seconds.
- A user holds at most `max_sessions` (2) sessions: a further sign-in closes the oldest,
  whose tokens then get `displaced_status` (408 by default; 429 or 500 as configured).
- GET /auth/renewaccesstoken extends the session of a valid token: a new token and a new
  expirationTime; the old token stays valid until its own end.
- Sign-ins share the fake's rate limiter (429 lockout, time-penalty tickets, captcha)
  with every other request: tickets belong to the caller's network.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._limits import Limiter
from ._wire import Reply

LOGIN_PATH = "/v1/auth/accesstokenrequest"
RENEW_PATH = "/v1/auth/renewaccesstoken"
AUTH_PATHS = {LOGIN_PATH: "POST", RENEW_PATH: "GET"}
WRONG_CREDENTIALS = "Incorrect username or password. Please try again."
_FIELDS = ("name", "password", "appId", "appVersion", "deviceId", "cid", "sec", "p-ticket")
_SECRETS = ("password", "sec")
_DISPLACED_BODY = {408: b"Request Timeout", 429: b"", 500: b"Internal Server Error"}


@dataclass(frozen=True)
class FakeUser:
    name: str
    password: str = field(repr=False)
    app_id: str | None = None
    cid: str | None = None
    sec: str | None = field(default=None, repr=False)
    user_id: int = 0


class FakeAuth:
    """Users and sessions of a FakeTradovate: `FakeTradovate(auth=FakeAuth(...))`.

        fake = FakeTradovate(auth=FakeAuth(token_lifetime=3600, displaced_status=429))
        fake.auth.add_user("api-user", "secret", sec="api-secret")
        fake.auth.logins, fake.auth.renewals      # requests received, any answer

    `token_lifetime` (seconds, default 90 minutes), `max_sessions` per user (2), and the
    status a closed session's token gets (`displaced_status`: 408, 429 or 500).
    expirationTime is written in Unix time: from time.time() when the fake keeps the
    default monotonic clock, else from the clock injected into the fake (a test's
    simulated clock is then taken to be Unix time too).
    """

    def __init__(
        self,
        *,
        token_lifetime: float = 90 * 60.0,
        max_sessions: int = 2,
        displaced_status: int = 408,
    ) -> None:
        if displaced_status not in _DISPLACED_BODY or max_sessions < 1 or token_lifetime <= 0:
            raise ValueError("displaced_status: 408, 429 or 500; max_sessions and lifetime > 0")
        self.token_lifetime = token_lifetime
        self.max_sessions = max_sessions
        self.displaced_status = displaced_status
        self.users: dict[str, FakeUser] = {}
        self.logins = 0
        self.renewals = 0
        self._tokens: dict[str, float] = {}
        self._clock: Callable[[], float] = time.monotonic
        self._wall: Callable[[], float] = time.time
        self._session_of: dict[str, int] = {}
        self._sessions: dict[str, deque[int]] = {}
        self._closed: set[int] = set()
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"<FakeAuth users={len(self.users)} logins={self.logins} renewals={self.renewals}>"

    def bind(self, tokens: dict[str, float], clock: Callable[[], float]) -> FakeAuth:
        """Share the fake's token table and clock (done by FakeTradovate)."""
        self._tokens, self._clock = tokens, clock
        self._wall = time.time if clock is time.monotonic else clock
        return self

    def add_user(
        self,
        name: str,
        password: str,
        *,
        app_id: str | None = None,
        cid: str | None = None,
        sec: str | None = None,
    ) -> None:
        """A user who may sign in; app_id, cid and sec are checked when given here."""
        user_id = 2_000_001 + len(self.users)
        self.users[name] = FakeUser(name, password, app_id, cid, sec, user_id)

    def closed(self, authorization: str | None) -> tuple[Reply, str] | None:
        """The answer for a token whose session a newer sign-in closed, else None."""
        session = self._session_of.get(_bearer(authorization) or "")
        if session is None or session not in self._closed:
            return None
        status = self.displaced_status
        body = _DISPLACED_BODY[status]
        return _reply(status, body or None), "session_closed"

    def answer(
        self, method: str, path: str, authorization: str | None, body: bytes, limiter: Limiter
    ) -> tuple[Reply, str]:
        """Answer a sign-in or a renewal (called under the fake's lock)."""
        if method != AUTH_PATHS[path]:
            allowed = Reply(405, b"Method not allowed", "text/plain", allow=AUTH_PATHS[path])
            return allowed, "method_not_allowed"
        now = self._clock()
        if path == RENEW_PATH:
            self.renewals += 1
        else:
            self.logins += 1
        if limiter.locked(now):
            return _reply(429, None), "lockout"
        if path == RENEW_PATH:
            return self._renew(_bearer(authorization), now)
        try:
            request = _parse_login(body)
        except ValueError as exc:
            return _reply(400, {"errorText": str(exc), "ok": False}), "malformed"
        penalty = limiter.check(now, request.get("p-ticket"))
        if penalty is not None:
            return _reply(200, penalty.answer()), "penalty"
        user = self.users.get(request["name"])
        if user is None or not _matches(user, request):
            return _reply(200, {"errorText": WRONG_CREDENTIALS}), "login_refused"
        return _reply(200, self._open_session(user, now)), "login"

    def _open_session(self, user: FakeUser, now: float) -> dict[str, Any]:
        session = next(self._ids)
        held = self._sessions.setdefault(user.name, deque())
        held.append(session)
        while len(held) > self.max_sessions:
            self._closed.add(held.popleft())
        answer = self._grant(session, now)
        return {**answer, "userId": user.user_id, "name": user.name, "userStatus": "Active"}

    def _renew(self, token: str | None, now: float) -> tuple[Reply, str]:
        if token is not None and (closed := self.closed(f"Bearer {token}")) is not None:
            return closed
        if token is None or self._tokens.get(token, float("-inf")) <= now:
            return _reply(401, b"Access is denied"), "unauthorized"
        session = self._session_of.get(token)
        if session is None:  # a token the test set up (issue_token): extended as it is
            self._tokens[token] = now + self.token_lifetime
            return _reply(200, {"accessToken": token, "expirationTime": self._end()}), "renewed"
        return _reply(200, self._grant(session, now)), "renewed"

    def _grant(self, session: int, now: float) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        self._tokens[token] = now + self.token_lifetime
        self._session_of[token] = session
        return {"accessToken": token, "expirationTime": self._end()}

    def _end(self) -> str:
        end = self._wall() + self.token_lifetime
        return datetime.fromtimestamp(end, UTC).isoformat(timespec="milliseconds")


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def _reply(status: int, body: Mapping[str, Any] | bytes | None) -> Reply:
    if body is None:
        return Reply(status)
    if isinstance(body, bytes):
        return Reply(status, body, "text/plain; charset=utf-8")
    return Reply(status, json.dumps(body).encode(), "application/json")


def _parse_login(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    for name in body:
        if name not in _FIELDS:
            raise ValueError(f"{name}: unknown field")
    for name in ("name", "password"):
        if name not in body:
            raise ValueError(f"{name}: required")
    for name, value in body.items():
        if not isinstance(value, str):
            raise ValueError(f"{name}: expected a string")
    if len(body.get("p-ticket", "")) > 256:
        raise ValueError("p-ticket: longer than 256 characters")
    return body


def _matches(user: FakeUser, request: dict[str, Any]) -> bool:
    expected = {"password": user.password, "appId": user.app_id, "cid": user.cid, "sec": user.sec}
    return all(
        secrets.compare_digest(str(request.get(name, "")), value)
        for name, value in expected.items()
        if value is not None
    )


def kept_body(path: str, body: bytes) -> bytes:
    """A body as the fake's request log keeps it: without password or sec, whichever path
    it was sent to (a sign-in sent to a wrong path holds them all the same)."""
    login = path.rstrip("/") == LOGIN_PATH
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return b"[a body that is not JSON, not kept]" if login else body
    if not isinstance(parsed, dict) or not any(name in parsed for name in _SECRETS):
        return body
    for name in _SECRETS:
        if name in parsed:
            parsed[name] = "[redacted]"
    return json.dumps(parsed).encode()

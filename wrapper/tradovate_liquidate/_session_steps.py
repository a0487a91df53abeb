"""Signing in and renewing as generators of steps (see _steps.py): the rules, no I/O.

`with_session` wraps any call's steps: it gets a token from the TokenManager first (its
sign-in or renewal, or a wait on another caller's), stamps it on every request, and
handles what the server says about it:

- a 401: the token was refused, so one sign-in (or a wait on one) and one resend (a 401
  was not processed); a second 401 raises AuthenticationError, never a loop;
- a 408: the session was closed (a newer sign-in of the same user): one sign-in for the
  calls to come, then AuthenticationError. The request is NOT resent: by HTTP a 408 was
  not processed, but a liquidation is only sent again after its outcome was checked.

A renewal that fails because the token is refused (401, 408, errorText) is followed by
one sign-in; one that fails for a passing reason (no connection, 5xx) keeps the token
while it is valid and is tried again later. Sign-in failures: errorText (wrong password,
locked user) -> AuthenticationError, no retry; a time penalty -> wait `p-time` and resend
with the ticket, within max_penalty_wait; a captcha or a 429 -> RateLimitError.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from typing import Any

import httpx

from ._answers import CHECK_BEFORE_RETRYING, SIGN_IN_FAILED_TAIL, SIGN_IN_UNKNOWN_TAIL, redact
from ._config import check_token
from ._credentials import Credentials, sign_in_body
from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    OutcomeUnknownError,
    RateLimitError,
    TradovateError,
)
from ._policy import Policy, exchange
from ._reading import LIQUIDATION_ANSWER_LIMIT as SESSION_ANSWER_LIMIT
from ._session import (
    RENEW_RETRY_AFTER,
    SIGN_IN_FAILURE_HOLD,
    Grant,
    Lead,
    Ready,
    TokenManager,
)
from ._steps import Await, Fly, Outcome, RefreshToken, Request, Send, Steps, T

logger = logging.getLogger("tradovate_liquidate")

#: Used only when an answer has a token but no readable expirationTime: the shortest
#: lifetime the vendor has published (older pages say 80 minutes, newer ones 90).
FALLBACK_LIFETIME = 80 * 60.0


def with_session(
    manager: TokenManager, policy: Policy, inner: Steps[T], context: dict[str, Any]
) -> Steps[T]:
    """`inner`'s steps, each request carrying the session's token (see the module doc)."""
    try:
        ready = yield from _token(manager, policy, context)
        outcome: Outcome | None = None
        renewal: Exception | None = None  # a renewal's failure, raised inside `inner`
        while True:
            try:
                step = inner.send(outcome)
            except StopIteration as done:
                result: T = done.value
                return result
            except AuthenticationError as exc:
                if exc.status_code != 408 or _caused_by(exc, renewal):
                    raise
                yield from _replace_closed_session(manager, policy, context, ready.generation)
                raise AuthenticationError(
                    f"{exc.message}. A new session was signed in for the calls to come, but "
                    "this request was not sent again: check the position before liquidating "
                    "again",
                    response=exc.response,
                    **context,
                ) from None
            except OutcomeUnknownError as exc:
                # Reads after a liquidation met a 408: the outcome stays unknown, but the
                # closed session is still replaced for the calls to come.
                cause = exc.__cause__
                closed = isinstance(cause, AuthenticationError) and cause.status_code == 408
                if closed and not _caused_by(exc, renewal):
                    yield from _replace_closed_session(manager, policy, context, ready.generation)
                raise
            outcome = None
            if isinstance(step, RefreshToken):
                try:
                    ready = yield from _token(manager, policy, context, refused=ready.generation)
                except TradovateError as exc:
                    step.error = renewal = exc  # raised in `inner`, where its request was
            else:
                if isinstance(step, Send):
                    step = Send(step.request._replace(token=ready.token))
                outcome = yield step
    finally:
        # A call cancelled while signing in or mid-request closes `inner` too, so its
        # own cleanup (locks it holds: see Hold) runs now, not when it is collected.
        inner.close()


def _caused_by(error: BaseException, renewal: Exception | None) -> bool:
    """Whether `error` is, or comes of, a failed renewal: a 408 met while signing in
    again says nothing of the request's own session (nothing was signed in)."""
    while error is not None and renewal is not None:
        if error is renewal:
            return True
        error = error.__cause__  # type: ignore[assignment]
    return False


def refresh_steps(manager: TokenManager, policy: Policy, *, force_renew: bool) -> Steps[None]:
    """Sign in or renew when due (warm_up renews a valid token even when not due)."""
    yield from session_token(manager, policy, force_renew=force_renew)


def session_token(
    manager: TokenManager,
    policy: Policy,
    refused: int | None = None,
    force_renew: bool = False,
) -> Steps[Ready]:
    """A valid token: held, obtained by this caller, or by the flight it waited for."""
    policy = policy._replace(token_refreshable=False)
    while True:
        claim = manager.claim(refused, force_renew)
        if isinstance(claim, Ready):
            return claim
        if isinstance(claim, Lead):
            flight = Fly(_carry_out(manager, policy, claim))
            yield flight
            if flight.error is not None:
                raise flight.error
            ready: Ready = flight.result
            return ready
        yield Await(claim.flight)
        if claim.flight.error is not None:
            raise copy.copy(claim.flight.error)
        force_renew = False  # another caller just renewed or signed in


def _token(
    manager: TokenManager, policy: Policy, context: dict[str, Any], refused: int | None = None
) -> Steps[Ready]:
    try:
        return (yield from session_token(manager, policy, refused))
    except TradovateError as exc:
        error = copy.copy(exc)
        error.account_id = context.get("account_id")
        error.contract_id = context.get("contract_id")
        raise error from None


def _replace_closed_session(
    manager: TokenManager, policy: Policy, context: dict[str, Any], generation: int
) -> Steps[None]:
    try:
        yield from _token(manager, policy, context, refused=generation)
    except TradovateError as again:
        logger.warning("after a 408, signing in again failed (%s)", type(again).__name__)


def _carry_out(manager: TokenManager, policy: Policy, lead: Lead) -> Steps[Ready]:
    flight = lead.flight
    try:
        if lead.token is None:
            grant = yield from sign_in_steps(policy, manager.credentials, manager.clock)
        else:
            try:
                grant = yield from renew_steps(policy, lead.token, manager.clock)
            except (ConnectionFailedError, OutcomeUnknownError, RateLimitError) as exc:
                # A passing failure, or a renewal the server will not take now (429, 423,
                # a long penalty): the token held is still good, so no caller fails for it.
                ready = manager.postpone(flight, _retry_after(exc))
                if ready is not None:
                    reason = exc.status_code or type(exc).__name__
                    logger.warning("renewal failed (%s); the token is still valid", reason)
                    return ready
                if isinstance(exc, RateLimitError):
                    raise  # a sign-in would be refused as well: held, below
                manager.count_sign_in()
                grant = yield from sign_in_steps(policy, manager.credentials, manager.clock)
            except AuthenticationError:
                manager.count_sign_in()
                grant = yield from sign_in_steps(policy, manager.credentials, manager.clock)
    except TradovateError as exc:
        # Refused by the server (errorText answers 200; a 429, a captcha), or sent with an
        # unknown outcome (which may have opened a session): held for a while, so calls do
        # not each sign in again and close the user's other sessions.
        manager.fail(flight, exc, hold=not isinstance(exc, ConnectionFailedError))
        raise
    except BaseException:  # a cancelled task or an interrupted thread: release the waiters
        manager.fail(flight, None, hold=False)
        raise
    return Ready(grant.token, manager.succeed(flight, grant))


def _retry_after(exc: TradovateError) -> float:
    """How long a renewal that failed waits before the next try."""
    if not isinstance(exc, RateLimitError):
        return RENEW_RETRY_AFTER
    return max(RENEW_RETRY_AFTER, exc.retry_after or SIGN_IN_FAILURE_HOLD)


def sign_in_steps(policy: Policy, credentials: Credentials, clock: Any) -> Steps[Grant]:
    """POST /auth/accesstokenrequest, resent only after a time penalty (with its ticket)."""
    from tradovate_api.api.auth import ACCESS_TOKEN_REQUEST as SIGN_IN

    def build(ticket: str | None) -> Request:
        body = sign_in_body(credentials, ticket)
        return Request(SIGN_IN.method, SIGN_IN.path, None, body, SESSION_ANSWER_LIMIT, bearer=False)

    try:
        response, answer = yield from exchange(policy, build, {})
    except TradovateError as exc:
        error = sign_in_error(exc)
    else:
        return grant_of(answer, response, "signing in", clock)
    # Raised outside the except block: the error's context is not the httpx error, whose
    # request holds the sign-in body (password and sec).
    raise error


def sign_in_error(exc: TradovateError) -> TradovateError:
    """A sign-in's failure, of the class the answer table gives, saying what was sent:
    the sign-in alone, which may have opened a session when its outcome is unknown."""
    if isinstance(exc, RateLimitError | ConnectionFailedError):
        return copy.copy(exc)
    message = exc.message.replace(": " + CHECK_BEFORE_RETRYING, "").replace(
        "; " + CHECK_BEFORE_RETRYING, ""
    )
    tail = SIGN_IN_UNKNOWN_TAIL if isinstance(exc, OutcomeUnknownError) else SIGN_IN_FAILED_TAIL
    message = f"signing in failed ({message}){tail}"
    error = copy.copy(exc)
    error.message, error.args = message, (message,)
    return error


def renew_steps(policy: Policy, token: str, clock: Any) -> Steps[Grant]:
    """GET /auth/renewaccesstoken with the held token; it extends the same session."""
    from tradovate_api.api.auth import RENEW_ACCESS_TOKEN as RENEW

    request = Request(RENEW.method, RENEW.path, None, None, SESSION_ANSWER_LIMIT, token=token)
    response, answer = yield from exchange(policy, lambda ticket: request, {})
    return grant_of(answer, response, "renewing the token", clock, keep=token)


def grant_of(
    answer: Any, response: httpx.Response, what: str, clock: Any, keep: str | None = None
) -> Grant:
    """What an AccessTokenResponse means: a token and its end, or AuthenticationError.

    The answer's body is kept on the error only when it holds no token (an errorText).
    """
    from tradovate_api.models import AccessTokenResponse

    if not isinstance(answer, dict):
        raise AuthenticationError(
            f"{what}: the answer is not a JSON object", response=redact(response)
        )
    parsed = AccessTokenResponse.from_dict(answer)
    text = parsed.error_text
    if isinstance(text, str) and text:
        raise AuthenticationError(f"{what} was refused: {text}", response=redact(response))
    token = parsed.access_token if isinstance(parsed.access_token, str) else keep
    if token is None:
        raise AuthenticationError(f"{what}: the answer holds no accessToken")
    try:
        check_token(token)
    except (TypeError, ValueError):
        raise AuthenticationError(f"{what}: the accessToken is not a usable token") from None
    return Grant(token, expiry(parse_time(parsed.expiration_time), response, what, clock()))


def expiry(expires_at: float | None, response: httpx.Response, what: str, now: float) -> float:
    """When the token ends on our clock. An expirationTime at or before our now means our
    clock runs ahead of the server's (the token was just issued): its lifetime is then
    read against the answer's Date, or assumed, rather than signing in on every call."""
    if expires_at is None:
        logger.warning("%s: no readable expirationTime; assuming %.0f s", what, FALLBACK_LIFETIME)
        return now + FALLBACK_LIFETIME
    if expires_at > now:
        return expires_at
    sent = server_date(response)
    lifetime = expires_at - sent if sent is not None and expires_at > sent else FALLBACK_LIFETIME
    logger.warning(
        "%s: the expirationTime is already past on this machine's clock (it runs ahead of "
        "the server's?); taking the token to last %.0f s from now",
        what,
        lifetime,
    )
    return now + lifetime


def server_date(response: httpx.Response) -> float | None:
    """The answer's Date header as Unix time, or None."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(response.headers.get("date", "")).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_time(value: object) -> float | None:
    """An ISO 8601 time as Unix time (UTC when it names no zone), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()

"""How an answer is read: its status, its JSON, and a time penalty in it. No I/O.

Every status the server can give maps to one error class here (the table is in
_exceptions.py's docstring and the README); nothing a caller needs is dropped on the way.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import httpx

from ._exceptions import (
    AuthenticationError,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    TradovateError,
    UnexpectedResponseError,
)

_STANDARD_STATUSES = frozenset(status.value for status in HTTPStatus)
CHECK_BEFORE_RETRYING = (
    "the position may or may not have been liquidated. Check positions and orders before "
    "liquidating again."
)
#: What a failed sign-in's message adds after its reason: what the sign-in sent. True of
#: a call that failed signing in; quoting it for a request after a liquidation would not
#: be (see _policy.renewal_failed).
SIGN_IN_UNKNOWN_TAIL = (
    "; the sign-in may have opened a session all the same, so it is not tried again for "
    "a while. No order was sent"
)
SIGN_IN_FAILED_TAIL = "; nothing else was sent"


def without_sign_in_tail(message: str) -> str:
    """A failed sign-in's reason, without what it says the sign-in did not send."""
    return message.removesuffix(SIGN_IN_UNKNOWN_TAIL).removesuffix(SIGN_IN_FAILED_TAIL)


def decode_json(response: httpx.Response) -> Any:
    """The body's JSON value; ValueError for anything unreadable, deep nesting included."""
    try:
        return json.loads(response.content)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def read_json(response: httpx.Response, context: dict[str, Any]) -> Any:
    """The JSON of a 200 answer, or the error its status or body stands for."""
    if response.status_code != 200:
        raise status_error(response, context)
    try:
        return decode_json(response)
    except ValueError as exc:
        raise UnexpectedResponseError(
            f"the server answered 200 but its body is not JSON ({exc}): " + CHECK_BEFORE_RETRYING,
            response=redact(response),
            **context,
        ) from None


def status_error(response: httpx.Response, context: dict[str, Any]) -> TradovateError:
    status = response.status_code
    redacted = redact(response)
    if status == 401:
        return AuthenticationError(
            "401: the access token is missing, invalid or expired; nothing was done",
            response=redacted,
            **context,
        )
    if status == 408:
        return AuthenticationError(
            "408: the session behind the token was closed, most likely by a newer login of the "
            "same user (Tradovate allows 2 sessions); the request was not processed",
            response=redacted,
            **context,
        )
    if status in (423, 429):
        return RateLimitError(
            f"{status}: locked out for sending too much; the lockout lasts a rolling hour and "
            "every request sent during it extends it. Nothing was done.",
            response=redacted,
            **context,
        )
    if status in (400, 404):
        text = error_text(response)
        what = (
            f"404: {response.request.url.copy_with(query=None)} is not there (a wrong base URL, "
            "or an entity the server does not know)"
            if status == 404
            else "400: the server refused the request"
        )
        return RequestRejected(f"{what}: {text}", text=text, response=redacted, **context)
    kind: type[OutcomeUnknownError] = (
        ServerError
        if status >= 500 or status not in _STANDARD_STATUSES
        else UnexpectedResponseError
    )
    what = "the server failed" if kind is ServerError else "an answer the spec does not describe"
    return kind(f"{status}: {what}; " + CHECK_BEFORE_RETRYING, response=redacted, **context)


def error_text(response: httpx.Response) -> str:
    try:
        answer = decode_json(response)
    except ValueError:
        return response.text[:500]
    if isinstance(answer, dict) and isinstance(answer.get("errorText"), str):
        return str(answer["errorText"])
    return response.text[:500]


def penalty_of(
    answer: Any, response: httpx.Response, context: dict[str, Any]
) -> tuple[str, float] | None:
    """(ticket, seconds to wait) for a time-penalty answer, None for any other answer."""
    if not isinstance(answer, dict) or "p-ticket" not in answer:
        return None
    if any(answer.get(key) not in (None, "") for key in ("failureReason", "orderId", "errorText")):
        # A penalty means "not processed"; an answer that also reports an outcome may
        # have acted, so it is not resent on the penalty's word.
        raise UnexpectedResponseError(
            "the server answered with a time penalty and an outcome at once, an answer the "
            "spec does not describe: " + CHECK_BEFORE_RETRYING,
            response=redact(response),
            **context,
        )
    from tradovate_api.models import TimePenalty

    try:
        penalty = TimePenalty.from_dict(answer)
    except KeyError:
        penalty = None
    wait = penalty.p_time if penalty is not None else None
    if (
        penalty is None
        or not isinstance(penalty.p_ticket, str)
        or isinstance(wait, bool)
        or not isinstance(wait, int | float)
        or not 0 <= wait < float("inf")
    ):
        raise RateLimitError(
            "time penalty without a usable ticket or wait; nothing was done",
            response=redact(response),
            **context,
        )
    if _is_set(penalty.p_captcha):
        raise RateLimitError(
            f"time penalty with a captcha: a person must sign in once in a browser and solve it "
            f"before any program may go on (wait about an hour; the server asked for {wait:g} s)."
            " Nothing was done.",
            retry_after=float(wait),
            captcha=True,
            response=redact(response),
            **context,
        )
    return penalty.p_ticket, float(wait)


def _is_set(flag: object) -> bool:
    """A flag as a server may spell it: true, 1, "true"; a captcha is not missed for its
    spelling (only "false", "0", "no" and "" spell no)."""
    if isinstance(flag, str):
        return flag.strip().lower() not in ("", "false", "0", "no")
    return bool(flag)


def redact(response: httpx.Response) -> httpx.Response:
    """A copy of the response whose request carries no Authorization header."""
    request = response.request
    request_headers = httpx.Headers(request.headers)
    if "authorization" in request_headers:
        request_headers["authorization"] = "[redacted]"
    # The content is already decoded: a Content-Encoding header would make httpx decode it again.
    headers = httpx.Headers(response.headers)
    for name in ("content-encoding", "content-length", "transfer-encoding"):
        headers.pop(name, None)
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=response.content,
        request=httpx.Request(request.method, request.url, headers=request_headers),
    )

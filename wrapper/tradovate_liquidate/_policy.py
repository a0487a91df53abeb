"""The safety rules of one liquidation, as a generator of steps, free of I/O.

`liquidation_steps` yields what to do next and receives what happened; the sync and the
async client only carry the steps out, so both follow exactly the same rules:

- resend only when the server provably did not act: no connection could be made (a few
  tries with backoff), a time-penalty ticket (wait, then resend the same body with the
  ticket), and one 401 when the token can be asked for anew;
- never resend after a timeout, a dropped connection, a 5xx or an unreadable answer.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from http import HTTPStatus
from typing import Any, NamedTuple

import httpx

from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationRejected,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    TradovateError,
    UnexpectedResponseError,
)
from ._result import LiquidationResult

_STANDARD_STATUSES = frozenset(status.value for status in HTTPStatus)
# httpx errors raised before a single byte of the request could have left.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


# Plain classes rather than dataclasses: five dataclasses cost a cold import 5 ms.
class Policy(NamedTuple):
    connect_retries: int
    connect_backoff: float
    max_penalty_wait: float
    max_penalty_rounds: int
    token_refreshable: bool


class Send:
    __slots__ = ("ticket",)

    def __init__(self, ticket: str | None) -> None:
        self.ticket = ticket


class Sleep:
    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Penalty:
    """Every call on this client must hold off for `seconds` (the penalty is shared)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class RefreshToken:
    __slots__ = ()


Step = Send | Sleep | Penalty | RefreshToken
Outcome = httpx.Response | httpx.RequestError
Steps = Generator[Step, Outcome | None, LiquidationResult]


def liquidation_steps(policy: Policy, account_id: int, contract_id: int) -> Steps:
    context: dict[str, Any] = {"account_id": account_id, "contract_id": contract_id}
    connect_failures = penalty_rounds = 0
    penalty_waited = 0.0
    refreshed = False
    ticket: str | None = None
    while True:
        outcome = yield Send(ticket)
        if isinstance(outcome, httpx.RequestError):
            if not isinstance(outcome, _NOT_SENT):
                raise OutcomeUnknownError(_unknown_message(outcome), **context) from outcome
            connect_failures += 1
            if connect_failures > policy.connect_retries:
                raise ConnectionFailedError(
                    f"could not connect after {connect_failures} tries "
                    f"({type(outcome).__name__}); nothing was sent",
                    **context,
                ) from outcome
            yield Sleep(policy.connect_backoff * 2 ** (connect_failures - 1))
            continue
        assert outcome is not None
        response = outcome
        if response.status_code == 401 and policy.token_refreshable and not refreshed:
            refreshed = True
            yield RefreshToken()
            continue
        answer = _read(response, context)
        penalty = _penalty(answer, response, context)
        if penalty is None:
            return _result(answer, response, context)
        ticket, wait = penalty
        penalty_rounds += 1
        if (
            penalty_rounds > policy.max_penalty_rounds
            or penalty_waited + wait > policy.max_penalty_wait
        ):
            raise RateLimitError(
                f"time penalty of {wait:g} s would exceed max_penalty_wait "
                f"({policy.max_penalty_wait:g} s, {penalty_waited:g} s already waited); "
                "nothing was done",
                retry_after=wait,
                response=redact(response),
                **context,
            )
        penalty_waited += wait
        yield Penalty(wait)


def _unknown_message(error: httpx.RequestError) -> str:
    return (
        f"no answer after the request was sent ({type(error).__name__}): the position may or may "
        "not have been liquidated. Check positions and orders before liquidating again."
    )


def _read(response: httpx.Response, context: dict[str, Any]) -> dict[str, Any]:
    """The JSON object of a 200, or the error its status stands for."""
    status = response.status_code
    if status == 200:
        try:
            answer = json.loads(response.content)
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            return answer
        raise UnexpectedResponseError(
            "the server answered 200 but its body is not a JSON object: the position may or may "
            "not have been liquidated. Check positions and orders before liquidating again.",
            response=redact(response),
            **context,
        )
    raise _status_error(response, context)


def _status_error(response: httpx.Response, context: dict[str, Any]) -> TradovateError:
    status = response.status_code
    redacted = redact(response)
    if status == 401:
        return AuthenticationError(
            "401: the access token is missing, invalid or expired; nothing was done",
            response=redacted,
            **context,
        )
    if status == 429:
        return RateLimitError(
            "429: locked out for sending too much; the lockout lasts a rolling hour and every "
            "request sent during it extends it. Nothing was done.",
            response=redacted,
            **context,
        )
    if status == 400:
        text = _error_text(response)
        return RequestRejected(
            f"400: the server refused the request: {text}", text=text, response=redacted, **context
        )
    if status >= 500 or status not in _STANDARD_STATUSES:
        return ServerError(
            f"{status}: the server failed; the position may or may not have been liquidated. "
            "Check positions and orders before liquidating again.",
            response=redacted,
            **context,
        )
    return UnexpectedResponseError(
        f"{status}: an answer the spec does not describe; the position may or may not have been "
        "liquidated. Check positions and orders before liquidating again.",
        response=redacted,
        **context,
    )


def _error_text(response: httpx.Response) -> str:
    try:
        answer = json.loads(response.content)
    except ValueError:
        return response.text[:500]
    if isinstance(answer, dict) and isinstance(answer.get("errorText"), str):
        return str(answer["errorText"])
    return response.text[:500]


def _penalty(
    answer: dict[str, Any], response: httpx.Response, context: dict[str, Any]
) -> tuple[str, float] | None:
    """(ticket, seconds to wait) for a time-penalty answer, None for any other answer."""
    if "p-ticket" not in answer:
        return None
    ticket, wait = answer["p-ticket"], answer.get("p-time")
    if (
        not isinstance(ticket, str)
        or isinstance(wait, bool)
        or not isinstance(wait, int | float)
        or wait < 0
    ):
        raise RateLimitError(
            "time penalty without a usable ticket or wait; nothing was done",
            response=redact(response),
            **context,
        )
    if answer.get("p-captcha") is True:
        raise RateLimitError(
            f"time penalty with a captcha: a person must solve it before any program may go on "
            f"(wait about an hour; the server asked for {wait:g} s). Nothing was done.",
            retry_after=float(wait),
            captcha=True,
            response=redact(response),
            **context,
        )
    return ticket, float(wait)


def _result(
    answer: dict[str, Any], response: httpx.Response, context: dict[str, Any]
) -> LiquidationResult:
    if "errorText" in answer or "violations" in answer:
        violations = answer.get("violations")
        refusal = str(answer.get("errorText") or _describe(violations))
        raise RequestRejected(
            f"the server refused the request: {refusal}",
            text=refusal,
            violations=violations if isinstance(violations, list) else [],
            response=redact(response),
            **context,
        )
    reason, order_id, text = (
        answer.get("failureReason"),
        answer.get("orderId"),
        answer.get("failureText"),
    )
    if isinstance(order_id, bool) or not isinstance(order_id, int | None):
        order_id = None  # kept in `raw` as sent
    if reason == "Success" or (reason is None and order_id is not None):
        return LiquidationResult(context["account_id"], context["contract_id"], order_id, answer)
    if not isinstance(reason, str):
        raise UnexpectedResponseError(
            "the server answered 200 with neither a failureReason nor an orderId: the position "
            "may or may not have been liquidated. Check positions and orders before liquidating "
            "again.",
            response=redact(response),
            **context,
        )
    message = f"liquidation rejected: {reason}" + (f": {text}" if text else "")
    if order_id is not None:
        message += f" (the server still reported order {order_id}, which may be working)"
    raise LiquidationRejected(
        message,
        reason=reason,
        text=text if isinstance(text, str) else None,
        order_id=order_id,
        raw=answer,
        response=redact(response),
        **context,
    )


def _describe(violations: object) -> str:
    if not isinstance(violations, list):
        return "violations"
    parts = [
        f"{item.get('constraint', '?')}: {item.get('description', '')}".strip()
        for item in violations
        if isinstance(item, dict)
    ]
    return "; ".join(parts) or "violations"


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

"""The rules of a call, as generators of steps, free of I/O (see _steps.py).

`exchange` carries one request through everything that may be resent safely:

- no connection could be made: a few more tries with backoff (nothing left);
- a time-penalty ticket: wait, then resend the same body with the ticket;
- a 401 when the token can be asked for anew: once (a 401 was not processed).

It never resends after a timeout, a dropped connection, a 5xx or an unreadable answer.
`liquidation_steps` adds what a liquidateposition answer means. The sync and the async
client only carry these steps out, so both follow exactly the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

import httpx

from ._answers import (
    CHECK_BEFORE_RETRYING,
    penalty_of,
    read_json,
    redact,
    without_sign_in_tail,
)
from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationRejected,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    TradovateError,
    UnexpectedResponseError,
)
from ._result import LiquidationResult
from ._steps import Penalty, RefreshToken, Request, Send, Sleep, Steps

if TYPE_CHECKING:
    from tradovate_api.models import LiquidatePositionRequest

# httpx errors raised before a single byte of the request could have left.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class Policy(NamedTuple):
    connect_retries: int
    connect_backoff: float
    max_penalty_wait: float
    max_penalty_rounds: int
    token_refreshable: bool
    answer_limit: int


class OutOfTime(OutcomeUnknownError):
    """A wait inside `exchange` (a penalty, a connect backoff) would end after the time
    its caller has (`fits`): not waited, nothing more sent. Only reads pass `fits`."""


def exchange(
    policy: Policy,
    build: Callable[[str | None], Request],
    context: dict[str, Any],
    fits: Callable[[float], bool] | None = None,
) -> Steps[tuple[httpx.Response, Any]]:
    """Send `build(ticket)` until an answer can be trusted; returns it with its JSON.

    `fits(seconds)`: whether a wait that long still leaves time to send again (a
    verification read's budget); a wait that does not raises OutOfTime instead."""
    connect_failures = penalty_rounds = 0
    penalty_waited = 0.0
    refreshed = False
    ticket: str | None = None
    while True:
        request = build(ticket)
        outcome = yield Send(request)
        if isinstance(outcome, httpx.RequestError):
            # A sign-in's httpx error holds its request, whose body holds the password and
            # the API secret: it is not chained to the error a caller sees.
            cause = outcome if request.bearer else None
            if not isinstance(outcome, NOT_SENT):
                raise OutcomeUnknownError(
                    f"no answer that can be trusted after the request was sent "
                    f"({type(outcome).__name__}: {outcome}): " + CHECK_BEFORE_RETRYING,
                    **context,
                ) from cause
            connect_failures += 1
            yield Sleep(_backoff(policy, outcome, connect_failures, cause, context, fits))
            continue
        assert outcome is not None
        response = outcome
        if response.status_code == 401 and policy.token_refreshable and not refreshed:
            refreshed = True
            refresh = RefreshToken()
            yield refresh
            if refresh.error is not None:  # see RefreshToken: raised where the request was
                raise renewal_failed(refresh.error, response, context)
            continue
        answer = read_json(response, context)
        penalty = penalty_of(answer, response, context)
        if penalty is None:
            return response, answer
        ticket, wait = penalty
        penalty_rounds += 1
        _check_penalty(policy, wait, penalty_waited, penalty_rounds, response, context, fits)
        penalty_waited += wait
        yield Penalty(wait)


def _backoff(
    policy: Policy,
    outcome: httpx.RequestError,
    failures: int,
    cause: Exception | None,
    context: dict[str, Any],
    fits: Callable[[float], bool] | None,
) -> float:
    """The wait before connecting again, or the error that ends the tries."""
    if failures > policy.connect_retries:
        raise ConnectionFailedError(
            f"could not connect to {outcome.request.url.host}:{_port(outcome)} after "
            f"{failures} tries ({type(outcome).__name__}); nothing was sent",
            **context,
        ) from cause
    backoff = float(policy.connect_backoff * 2 ** (failures - 1))
    if fits is not None and not fits(backoff):
        raise OutOfTime(
            f"no connection, and no time left to try again ({type(outcome).__name__})",
            **context,
        )
    return backoff


def _check_penalty(
    policy: Policy,
    wait: float,
    waited: float,
    rounds: int,
    response: httpx.Response,
    context: dict[str, Any],
    fits: Callable[[float], bool] | None,
) -> None:
    """Raise unless a penalty of `wait` seconds may be waited out and the request resent."""
    if rounds > policy.max_penalty_rounds or waited + wait > policy.max_penalty_wait:
        raise RateLimitError(
            f"time penalty of {wait:g} s would exceed max_penalty_wait "
            f"({policy.max_penalty_wait:g} s, {waited:g} s already waited); "
            "nothing was done",
            retry_after=wait,
            response=redact(response),
            **context,
        )
    if fits is not None and not fits(wait):
        raise OutOfTime(
            f"a time penalty of {wait:g} s would end after the time left to read",
            response=redact(response),
            **context,
        )


def _port(error: httpx.RequestError) -> int:
    url = error.request.url
    return url.port or (443 if url.scheme == "https" else 80)


def liquidation_steps(policy: Policy, body: LiquidatePositionRequest) -> Steps[LiquidationResult]:
    """POST /order/liquidateposition once (resent only as `exchange` allows)."""
    from tradovate_api.api.order import LIQUIDATE_POSITION

    context = {"account_id": body.account_id, "contract_id": body.contract_id}
    first = body.to_dict()

    def build(ticket: str | None) -> Request:
        import attrs  # only on a resend after a penalty: a cold import never pays for it

        json = first if ticket is None else attrs.evolve(body, p_ticket=ticket).to_dict()
        return Request(
            LIQUIDATE_POSITION.method, LIQUIDATE_POSITION.path, None, json, policy.answer_limit
        )

    response, answer = yield from exchange(policy, build, context)
    return liquidation_result(answer, response, context)


def liquidation_result(
    answer: Any, response: httpx.Response, context: dict[str, Any]
) -> LiquidationResult:
    """What a 200 answer to liquidateposition means, read through the generated models.

    The alternatives are tried in the spec's order: errorText, violations, then
    PlaceOrderResult (which accepts any object). An empty errorText or violations list
    refuses nothing, so such an answer is read as a PlaceOrderResult.
    """
    from tradovate_api.models import FailureReason, PlaceOrderResult
    from tradovate_api.types import Unset

    if not isinstance(answer, dict):
        raise UnexpectedResponseError(
            "the server answered 200 but its body is not a JSON object: " + CHECK_BEFORE_RETRYING,
            response=redact(response),
            **context,
        )
    _raise_refusal(answer, response, context)
    if answer.get("orderId") is not None and not _is_int(answer["orderId"]):
        # "123", 123.0, true: not read as "no order" (already flat), nor guessed at.
        raise UnexpectedResponseError(
            f"the server answered 200 with an orderId that is not an integer "
            f"({type(answer['orderId']).__name__}): " + CHECK_BEFORE_RETRYING,
            response=redact(response),
            **context,
        )
    result = PlaceOrderResult.from_dict(answer)
    reason = result.failure_reason
    # The models do not check types; anything else stays in `raw` as sent.
    order_id = result.order_id if _is_int(result.order_id) else None
    failure_text = result.failure_text if isinstance(result.failure_text, str) else None
    # FailureReason is a str enum: its members compare equal to their text.
    if reason == "Success" or (isinstance(reason, Unset) and order_id is not None):
        return LiquidationResult(context["account_id"], context["contract_id"], order_id, answer)
    if not isinstance(reason, str):
        raise UnexpectedResponseError(
            "the server answered 200 with neither a failureReason nor an orderId: "
            + CHECK_BEFORE_RETRYING,
            response=redact(response),
            **context,
        )
    reason_text = reason.value if isinstance(reason, FailureReason) else reason
    message = f"liquidation rejected: {reason_text}" + (f": {failure_text}" if failure_text else "")
    if order_id is not None:
        message += f" (the server still reported order {order_id}, which may be working)"
    raise LiquidationRejected(
        message,
        reason=reason_text,
        text=failure_text,
        order_id=order_id,
        raw=answer,
        response=redact(response),
        **context,
    )


def _raise_refusal(
    answer: dict[str, Any], response: httpx.Response, context: dict[str, Any]
) -> None:
    """Raise RequestRejected for a non-empty errorText or violations list."""
    from tradovate_api.models import ErrorTextAnswer, ViolationsAnswer

    if answer.get("errorText"):
        text = str(ErrorTextAnswer.from_dict(answer).error_text)
        raise RequestRejected(
            f"the server refused the request: {text}",
            text=text,
            response=redact(response),
            **context,
        )
    if answer.get("violations"):
        try:
            described = _describe(ViolationsAnswer.from_dict(answer).violations)
        except (TypeError, ValueError, AttributeError, KeyError):
            described = "violations (in a shape the spec does not describe)"
        raise RequestRejected(
            f"the server refused the request: {described}",
            text=described,
            violations=answer["violations"],
            response=redact(response),
            **context,
        )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(violations: Any) -> str:
    if not isinstance(violations, list):
        return "violations"
    parts = []
    for item in violations:
        constraint = getattr(item, "constraint", None)
        description = getattr(item, "description", None)
        constraint = constraint if isinstance(constraint, str) else "?"
        description = description if isinstance(description, str) else ""
        parts.append(f"{constraint}: {description}".strip())
    return "; ".join(parts) or "violations"


def renewal_failed(
    error: TradovateError, response: httpx.Response, context: dict[str, Any]
) -> AuthenticationError | RateLimitError:
    """What a request refused with 401 ends in when no new token could be had: the
    renewal's own answer when the server gave one (a sign-in refused, a lockout), else
    (a sign-in that met a 5xx or a timeout, a token callable that failed) an
    AuthenticationError for this request, with its 401 and its account and contract,
    caused by the failure. The request was not processed, and every later one would
    carry the refused token: a run stops on it (see _batch.STOPPING)."""
    if isinstance(error, RateLimitError) or (
        isinstance(error, AuthenticationError) and error.response is not None
    ):
        return error
    # The reason, without what a failed sign-in says it did not send: untrue of a
    # liquidation whose reads this may be.
    why = without_sign_in_tail(error.message)
    failed = AuthenticationError(
        f"401: the token was refused and getting a new one failed ({type(error).__name__}: "
        f"{why}); nothing was done",
        response=redact(response),
        **context,
    )
    failed.__cause__ = error
    return failed

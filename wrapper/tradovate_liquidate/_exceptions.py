"""Every error a call can raise, in one tree, and every answer mapped to one of them.

    TradovateError                  the root: catch it to catch everything below
    ├── ConnectionFailedError       no connection: the request never left, nothing was done
    ├── AuthenticationError         401/408: token refused or session closed; sign-in refused
    ├── RateLimitError              423/429 lockout, captcha penalty, or a penalty too long
    ├── RequestRejected             400, 404, errorText or violations: nothing was done
    ├── LiquidationRejected         a failureReason other than Success (order_id kept if any)
    ├── NotLiquidatedError          verified from the server's records: nothing was done
    ├── NotFlatError                confirm=True: still not flat when flat_timeout ran out
    └── OutcomeUnknownError         the server may have acted: check positions before retrying
        ├── ServerError             5xx, or a non-standard status such as 520
        └── UnexpectedResponseError an answer that cannot be read (bad JSON, odd status)

Every answer the server can give, what the client does with it, and the exit code of
the command line (tests/wrapper/test_answer_table.py drives every row on both clients and
checks this table against the README's):

| answer | error | the client | exit |
| --- | --- | --- | --- |
| 200 `failureReason` `Success` with an `orderId` | none: `LiquidationResult` | returns | 0 |
| 200 `failureReason` `Success` without an `orderId` | none: `LiquidationResult` | verifies | 4 |
| 200 a known `failureReason` but `Success`, no `orderId` | `LiquidationRejected` | stops | 1 |
| 200 a new `failureReason`, or any with an `orderId` | `LiquidationRejected` | verifies | 4 |
| 200 with neither `failureReason` nor `orderId` | `UnexpectedResponseError` | verifies | 4 |
| 200 non-empty `errorText` | `RequestRejected` | stops | 1 |
| 200 empty `errorText`, as in `{"ok": true, "errorText": ""}` | per the rest | reads on | 0 |
| 200 non-empty `violations` | `RequestRejected` | stops | 1 |
| 200 time penalty (`p-ticket`, `p-time`) | none | waits, resends with the ticket | 0 |
| 200 time penalty with `p-captcha` | `RateLimitError` | stops | 3 |
| 200 body that is not JSON, or nested too deeply | `UnexpectedResponseError` | verifies | 4 |
| an answer over `max_answer_bytes` once decompressed | `OutcomeUnknownError` | verifies | 4 |
| 400 | `RequestRejected` | stops | 1 |
| 401 | `AuthenticationError` | resends once if the token can be renewed | 3 |
| 404 | `RequestRejected` (names the URL) | stops | 1 |
| 408 | `AuthenticationError` (session replaced) | stops | 3 |
| 423 | `RateLimitError` | stops | 3 |
| 429 | `RateLimitError` | stops | 3 |
| 5xx, or a non-standard status such as 520 | `ServerError` | verifies | 4 |
| any other status | `UnexpectedResponseError` | verifies | 4 |
| no connection could be made | `ConnectionFailedError` | resends (`connect_retries`) | 1 |
| timeout, deadline or dropped connection after sending | `OutcomeUnknownError` | verifies | 4 |
| sign-in: 200 `errorText` (wrong password) | `AuthenticationError` | stops, held | 3 |
| sign-in: 200 time penalty (`p-ticket`, `p-time`) | none | waits, resends with the ticket | 0 |
| sign-in: 200 time penalty with `p-captcha` | `RateLimitError` | stops, held | 3 |
| sign-in: 423 or 429 | `RateLimitError` | stops, held | 3 |
| sign-in: 404 | `RequestRejected` (names the URL) | stops, held | 1 |
| sign-in: 5xx, or a status such as 520 | `ServerError` (session may be open) | stops, held | 4 |
| sign-in: no answer after sending | `OutcomeUnknownError` (session may be open) | stops, held | 4 |
| sign-in: no connection could be made | `ConnectionFailedError` | resends (`connect_retries`) | 1 |

"error" is what the answer alone means: the error raised when verification is off
(`verify_outcome=False`). "stops" means the request is never sent again by the client:
the server certainly did not act. "verifies" means the server may have acted, so the
client never resends but reads the position and the account's orders (see the
Verification section of the README): it then returns a verified `LiquidationResult`
(exit 0), raises `NotLiquidatedError` (the records show nothing was done; exit 1, safe to
repeat), or, when the records cannot tell, `OutcomeUnknownError` (exit 4). A time
penalty longer than `max_penalty_wait` ends in `RateLimitError`. The "sign-in:" rows are
the answers to a sign-in (with credentials or a TokenManager), before the liquidation is
sent: nothing else was sent, but a sign-in whose outcome is unknown may have opened a
session. "held" means the failure is answered from memory for a while (see
_session.py) instead of signing in again on every call.

Every error carries `status_code` and `response` where there was an answer (the
response's request has its Authorization header redacted), plus `account_id` and
`contract_id`. No error's message, attributes or repr holds the token. Invalid
arguments are not in this tree: they raise ValueError or TypeError before anything is sent.
"""

from __future__ import annotations

from typing import Any

import httpx


class TradovateError(Exception):
    """The root of every error a call can raise after its arguments were accepted."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        account_id: int | None = None,
        contract_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.status_code: int | None = response.status_code if response is not None else None
        self.account_id = account_id
        self.contract_id = contract_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"


class ConnectionFailedError(TradovateError):
    """No connection could be made (after the configured retries). Nothing was sent."""


class AuthenticationError(TradovateError):
    """401: the token is missing, invalid or expired; 408: its session was closed by a newer
    sign-in; or signing in failed. The request was not processed (after a 408 a liquidation
    is still not resent: check the position first)."""


class RateLimitError(TradovateError):
    """The server will not take requests now; nothing was done.

    `retry_after` is the wait the server asked for in seconds (None for a 429 lockout,
    which lasts a rolling hour and is extended by every request sent during it), and
    `captcha` is True when a person must solve a captcha before any program may go on.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        captcha: bool = False,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.retry_after = retry_after
        self.captcha = captcha


class RequestRejected(TradovateError):
    """The server refused the request (400, errorText or violations); nothing was done."""

    def __init__(
        self, message: str, *, text: str = "", violations: list[Any] | None = None, **context: Any
    ) -> None:
        super().__init__(message, **context)
        self.text = text
        self.violations = violations or []


class LiquidationRejected(TradovateError):
    """The server answered with a failureReason other than Success.

    `reason` is the raw string, also for reasons newer than this client's spec; `text` is
    the server's failureText; `order_id` is kept whenever the server sent one, because an
    order may then be working even though the answer is not Success.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        text: str | None,
        order_id: int | None,
        raw: dict[str, Any],
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.reason = reason
        self.text = text
        self.order_id = order_id
        self.raw = raw


class OutcomeUnknownError(TradovateError):
    """The request may have reached the server, but no answer that can be trusted arrived.

    The position may or may not have been liquidated. Check positions and orders before
    liquidating again: sending the request twice could send two closing orders and flip
    the position instead of flattening it. This client never resends such a request.
    """


class ServerError(OutcomeUnknownError):
    """A 5xx, or a non-standard status (499, 520-527, ...) from a proxy in front."""


class UnexpectedResponseError(OutcomeUnknownError):
    """An answer this client cannot read: malformed JSON, an unknown shape, an odd status."""


class NotLiquidatedError(TradovateError):
    """The answer was uncertain, and the server's own records show nothing was done.

    Raised by verification (see _verify.py): the closing order was rejected, cancelled or
    expired, or none appeared and the position did not move within the settle window.
    Safe to call again: the client reads the orders first and sends nothing if a late
    one turned up. `order_id` is the order found (if any), `net_pos` the position read.
    """

    def __init__(
        self,
        message: str,
        *,
        order_id: int | None = None,
        net_pos: int | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.order_id = order_id
        self.net_pos = net_pos


class NotFlatError(TradovateError):
    """confirm=True or wait_until_flat: the position did not read 0 within the timeout.

    `order_id` is the closing order (if known) and `net_pos` the last position read.
    """

    def __init__(
        self,
        message: str,
        *,
        order_id: int | None = None,
        net_pos: int | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.order_id = order_id
        self.net_pos = net_pos

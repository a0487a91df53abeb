"""The audit trail: the client's `on_event` gets one immutable AuditRecord per event.

- "request": before a request goes out (so a crash right after still leaves it): method,
  path, query, and the body's allow-listed fields (REQUEST_FIELDS; any other field is
  only named in "omitted", never valued). Headers are never recorded.
- "answer": its status, size, elapsed time, and either the answer's text (paths under
  TEXT_ANSWER_PREFIXES, cut at ANSWER_TEXT_LIMIT characters) or, for every other path
  (sign-in, renewal), only the allow-listed fields of ANSWER_FIELDS.
- "error": no answer came (a connection error, a timeout, a dropped connection, a
  cancelled call): the exception's class and message.
- "verdict": when a public call decides a target (see `judged`): a liquidation's result
  or the error it ends in, a wait_until_flat, each position and the account itself of
  liquidate_account and liquidate_accounts.

Every record has a per-client `seq` (1, 2, ...), a wall-clock UTC `time` and a
`request_id` (a request's own seq; its answer's or error's is the same). One client
calls on_event from one caller at a time, in seq order, synchronously: the request is
sent only after on_event returned. An exception raised by on_event is logged at ERROR
(the record is then missing from the trail) and the client goes on: a broken audit sink
must not stop an emergency exit.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

import httpx

from ._exceptions import NotLiquidatedError, TradovateError
from ._result import LiquidationResult
from ._steps import Request, Steps, T

logger = logging.getLogger("tradovate_liquidate")

#: The request body fields recorded (the liquidation, cancel and sign-in names); every
#: other field (password, sec, deviceId, p-ticket, anything new) is only named.
REQUEST_FIELDS = frozenset(
    {"accountId", "contractId", "positions", "orderId", "admin", "customTag50", "isAutomated"}
    | {"name", "appId", "appVersion", "cid"}
)
#: Answers of these paths are recorded as text: results, positions, orders, accounts.
TEXT_ANSWER_PREFIXES = ("/order/", "/position/", "/account/", "/command/", "/fill/")
#: Of any other answer (sign-in, renewal, a path not listed) only these top-level fields.
ANSWER_FIELDS = frozenset(
    {"errorText", "expirationTime", "userStatus", "userId", "p-time", "p-captcha", "ok"}
)
#: An answer's text is kept up to this many characters; `bytes` says how long it was.
ANSWER_TEXT_LIMIT = 2000
#: An error's message is kept up to this many characters.
MESSAGE_LIMIT = 500


class AuditRecord(NamedTuple):
    """One event of the audit trail (see the module docstring); immutable.

    `kind` is "request", "answer", "error" or "verdict"; `data` a read-only mapping of
    the event's fields (lists as tuples). `as_dict()` is the record as one JSON object.
    """

    kind: str
    seq: int
    time: str
    request_id: int | None
    data: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        head = {"seq": self.seq, "time": self.time, "kind": self.kind}
        return {**head, "request_id": self.request_id, **_thaw(self.data)}


OnEvent = Callable[[AuditRecord], object]


def audit_of(on_event: object, client: Any) -> Audit | None:
    """The client's Audit for `on_event`, its driver's `_send` wrapped to record every
    request and answer; None (nothing wrapped, no cost on any request) without one."""
    if on_event is None:
        return None
    if not callable(on_event):
        raise TypeError(f"on_event: expected a callable or None, not {type(on_event).__name__}")
    audit = Audit(on_event, client._base_path)
    client._send = audit.wrap(client._send)
    return audit


class Audit:
    """Builds the records of one client and hands them to its on_event."""

    def __init__(self, on_event: OnEvent, base_path: str) -> None:
        self._on_event = on_event
        self._base_path = base_path  # recorded paths are the server's, as in the log
        self._seq = itertools.count(1)
        # One record at a time, in seq order: a sink needs no lock of its own, and a file
        # written by it reads in order. Re-entrant, should a sink call back into us.
        self._lock = threading.RLock()

    def emit(self, kind: str, data: dict[str, Any], request_id: int | None = None) -> int:
        with self._lock:
            seq = next(self._seq)
            stamp = datetime.now(UTC).isoformat(timespec="microseconds")
            own = seq if kind == "request" else request_id
            try:
                self._on_event(AuditRecord(kind, seq, stamp, own, _freeze(data)))
            except Exception:
                logger.error(
                    "on_event raised on %s record %d: it is missing from the audit trail; "
                    "the client goes on", kind, seq, exc_info=True,
                )  # fmt: skip
        return seq

    def request(self, request: Request) -> tuple[int, float]:
        """Record a request about to go out; its id and start time, for `outcome`."""
        body = request.body or {}
        data: dict[str, Any] = {"method": request.method, "path": self._base_path + request.path}
        data["params"] = request.params
        data["body"] = {k: v for k, v in body.items() if k in REQUEST_FIELDS} or None
        data["omitted"] = sorted(k for k in body if k not in REQUEST_FIELDS) or None
        return self.emit("request", data), time.perf_counter()

    def outcome(self, sent: tuple[int, float], request: Request, outcome: object) -> None:
        """Record the answer, or the error in its place, of the request `sent`."""
        request_id, started = sent
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        if not isinstance(outcome, httpx.Response):
            message = str(outcome)[:MESSAGE_LIMIT]
            data = {"error": type(outcome).__name__, "message": message, "elapsed_ms": elapsed_ms}
            self.emit("error", data, request_id)
            return
        content = outcome.content
        data = {"status": outcome.status_code, "bytes": len(content), "elapsed_ms": elapsed_ms}
        if request.path.startswith(TEXT_ANSWER_PREFIXES):
            text = content.decode("utf-8", "replace")
            data.update(text=text[:ANSWER_TEXT_LIMIT], truncated=len(text) > ANSWER_TEXT_LIMIT)
        else:
            data["fields"] = _allowed_fields(content)
        self.emit("answer", data, request_id)

    def wrap(self, send: Callable[..., Any]) -> Callable[..., Any]:
        """A driver's `_send(request, token, timeout)` (a coroutine function for the async
        client), recording the request before it goes out and its answer or error after."""

        def sent_and_answered(request: Request, outcome: object, sent: tuple[int, float]) -> object:
            self.outcome(sent, request, outcome)
            return outcome

        if inspect.iscoroutinefunction(send):

            async def send_async(request: Request, *args: Any) -> object:
                sent = self.request(request)
                try:
                    outcome = await send(request, *args)
                except BaseException as exc:  # cancelled (or a bug): no answer came
                    self.outcome(sent, request, exc)
                    raise
                return sent_and_answered(request, outcome, sent)

            return send_async

        def send_sync(request: Request, *args: Any) -> object:
            sent = self.request(request)
            try:
                outcome = send(request, *args)
            except BaseException as exc:  # a bug, or KeyboardInterrupt: no answer came
                self.outcome(sent, request, exc)
                raise
            return sent_and_answered(request, outcome, sent)

        return send_sync

    def judged(self, steps: Steps[T], call: str, context: dict[str, Any]) -> Steps[T]:
        """`steps` (a public call), with a verdict record for how it ends."""
        try:
            result = yield from steps
        except TradovateError as exc:
            self.verdicts(call, context, exc)
            raise
        self.verdicts(call, context, result)
        return result

    def judged_run(self, phases: Callable[[], Generator[Any, Any, T]]) -> Generator[Any, Any, T]:
        """liquidate_accounts' phases: verdicts of the accounts a stopping error left."""
        try:
            return (yield from phases())
        except TradovateError as exc:
            for result in getattr(exc, "accounts_result", ()):
                if result.error is exc:
                    self.verdicts("liquidate_accounts", {}, result)
            raise

    def watch(self, plan: T) -> T:
        """liquidate_accounts' AccountsPlan, recording each account's verdicts as it is
        reported, and those of the accounts an authentication or rate-limit error stopped."""
        plan.on_progress = self.progress(plan.on_progress)  # type: ignore[attr-defined]
        plan.phases = functools.partial(self.judged_run, plan.phases)  # type: ignore[attr-defined]
        return plan

    def progress(self, on_progress: Callable[[int, Any], object] | None) -> Callable[..., None]:
        """liquidate_accounts' on_progress, with each finished account's verdicts first."""

        def report(index: int, result: Any) -> None:
            self.verdicts("liquidate_accounts", {}, result)
            if on_progress is not None:
                on_progress(index, result)

        return report

    def verdicts(self, call: str, context: dict[str, Any], outcome: object) -> None:
        """The verdict records of one outcome: a liquidation's, a flat check's (None: flat),
        or an account's (one per position, then the account's own)."""
        account = getattr(outcome, "account_result", None)
        if isinstance(outcome, TradovateError) and account is not None:
            self._account_verdicts(call, account, outcome)  # liquidate_account stopped
        elif isinstance(outcome, LiquidationResult | TradovateError):
            self._verdict(call, _known(context, _verdict_fields(outcome)))
        elif outcome is None:
            self._verdict(call, {**context, "verified": True, "flat": True, "net_pos": 0})
        else:
            self._account_verdicts(call, outcome, getattr(outcome, "error", None))

    def _account_verdicts(self, call: str, account: Any, error: TradovateError | None) -> None:
        for position in account.positions:
            self._verdict(call, _verdict_fields(position))
        fields = {"account_id": account.account_id, "contract_id": None, "flat": account.flat}
        fields["cancelled"] = list(account.cancelled)
        self._verdict(call, {**fields, **_error_fields(error)})

    def _verdict(self, call: str, fields: dict[str, Any]) -> None:
        self.emit("verdict", {"call": call, **fields})


def _verdict_fields(outcome: LiquidationResult | TradovateError) -> dict[str, Any]:
    fields: dict[str, Any] = {"account_id": outcome.account_id, "contract_id": outcome.contract_id}
    if isinstance(outcome, LiquidationResult):
        fields.update(order_id=outcome.order_id, verified=outcome.verified, flat=outcome.flat)
        return {**fields, "net_pos": 0 if outcome.flat else None, "error": None, "message": None}
    fields["order_id"] = getattr(outcome, "order_id", None)
    fields["verified"] = isinstance(outcome, NotLiquidatedError)  # the records decided
    net_pos = getattr(outcome, "net_pos", None)
    fields.update(flat=None if net_pos is None else net_pos == 0, net_pos=net_pos)
    return {**fields, **_error_fields(outcome)}


def _known(context: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The call's own ids where the outcome has none (a sign-in error names no account)."""
    return {**fields, **{k: v for k, v in context.items() if fields.get(k) is None}}


def _error_fields(error: TradovateError | None) -> dict[str, Any]:
    if error is None:
        return {"error": None, "message": None}
    return {"error": type(error).__name__, "message": error.message[:MESSAGE_LIMIT]}


def _allowed_fields(content: bytes) -> dict[str, Any] | None:
    """ANSWER_FIELDS of a JSON object answer, scalars only; None for anything else."""
    try:
        answer = json.loads(content)
    except (ValueError, RecursionError):  # nested past the parser's depth, as _answers
        return None
    if not isinstance(answer, dict):
        return None
    scalar = str | int | float | bool | None
    return {k: v for k, v in answer.items() if k in ANSWER_FIELDS and isinstance(v, scalar)}


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value

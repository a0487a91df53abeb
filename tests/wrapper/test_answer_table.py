"""The answer table (in _exceptions.py and the README) is what the client does.

Each row names an answer; SCENARIOS below produces it. For every row, on both clients,
the test checks the error class, how many requests were sent (once for "stops", twice
where the row resends) and the command line's exit code. A row without a scenario, or a
scenario without a row, fails: the table and the code change together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tradovate_liquidate import LiquidationResult, TradovateError, _exceptions
from tradovate_liquidate._cli import _exit_code

from ..harness import Harness

README = Path(__file__).resolve().parents[2] / "README.md"
Answer = Callable[[httpx.Request, int], httpx.Response]


def json_answer(body: Any, status: int = 200) -> Answer:
    return lambda request, attempt: httpx.Response(status, json=body)


def status_answer(status: int, text: str = "") -> Answer:
    return lambda request, attempt: httpx.Response(status, text=text)


def then_success(first: Answer) -> Answer:
    ok = json_answer({"failureReason": "Success", "orderId": 7})
    return lambda request, attempt: first(request, attempt) if attempt == 1 else ok(request, 2)


def raising(error: type[httpx.RequestError]) -> Answer:
    def answer(request: httpx.Request, attempt: int) -> httpx.Response:
        raise error("injected", request=request)

    return answer


# answer column -> (what the server does on each attempt, token is a callable?)
SCENARIOS: dict[str, tuple[Answer, bool]] = {
    "200 `failureReason` `Success`": (
        json_answer({"failureReason": "Success", "orderId": 7}),
        False,
    ),
    "200 another `failureReason`, known or new": (
        json_answer({"failureReason": "ReasonAddedLater", "orderId": 8, "newField": 1}),
        False,
    ),
    "200 with neither `failureReason` nor `orderId`": (json_answer({"ok": True}), False),
    "200 non-empty `errorText`": (
        json_answer({"errorText": "Access is denied", "ok": False}),
        False,
    ),
    '200 empty `errorText`, as in `{"ok": true, "errorText": ""}`': (
        json_answer({"ok": True, "errorText": "", "failureReason": "Success", "orderId": 9}),
        False,
    ),
    "200 non-empty `violations`": (
        json_answer({"violations": [{"constraint": "accountId", "description": "unknown"}]}),
        False,
    ),
    "200 time penalty (`p-ticket`, `p-time`)": (
        then_success(json_answer({"p-ticket": "t", "p-time": 0})),
        False,
    ),
    "200 time penalty with `p-captcha`": (
        json_answer({"p-ticket": "t", "p-time": 5, "p-captcha": True}),
        False,
    ),
    "200 body that is not JSON, or nested too deeply": (
        lambda request, attempt: httpx.Response(200, content=b"[" * 100_000),
        False,
    ),
    "400": (json_answer({"errorText": "contractId: expected an integer"}, 400), False),
    "401": (status_answer(401, "Access is denied"), True),
    "404": (status_answer(404, "Not Found"), False),
    "408": (status_answer(408), False),
    "423": (status_answer(423), False),
    "429": (status_answer(429), False),
    "5xx, or a non-standard status such as 520": (status_answer(520, "<html></html>"), False),
    "any other status": (status_answer(418), False),
    "no connection could be made": (raising(httpx.ConnectError), False),
    "timeout or dropped connection after sending": (raising(httpx.ReadTimeout), False),
}


def table(text: str) -> list[list[str]]:
    """The rows of the table headed `| answer | error | the client | exit |`, as cells."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("| answer | error | the client | exit |") + 2  # past the rule
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


ROWS = table(_exceptions.__doc__ or "")


def test_the_readme_has_the_same_table() -> None:
    readme_rows = table(README.read_text(encoding="utf-8"))
    assert readme_rows == ROWS


def test_every_row_has_a_scenario_and_every_scenario_a_row() -> None:
    assert [row[0] for row in ROWS] == list(SCENARIOS)


@pytest.mark.parametrize(("answer", "error", "action", "exit_code"), ROWS, ids=[r[0] for r in ROWS])
def test_each_answer_is_handled_as_the_table_says(
    harness: Harness, answer: str, error: str, action: str, exit_code: str
) -> None:
    respond, callable_token = SCENARIOS[answer]
    attempts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        return respond(request, len(attempts))

    client_kwargs: dict[str, Any] = {
        "token": (lambda: "tok") if callable_token else "tok",
        "transport": httpx.MockTransport(handler),
        "connect_backoff": 0,
        "connect_retries": 2,
    }
    outcome: LiquidationResult | TradovateError
    try:
        outcome = harness.liquidate(client_kwargs, 1, 2)
    except TradovateError as exc:
        outcome = exc
    named = re.findall(r"`(\w+)`", error)
    expected_class = "LiquidationResult" if error.startswith(("none", "per the rest")) else named[0]
    assert type(outcome).__name__ == expected_class
    expected_requests = {"resends (`connect_retries`)": 3}.get(
        action, 2 if action.startswith(("resends", "waits")) else 1
    )
    assert len(attempts) == expected_requests
    assert _exit_code(outcome) == int(exit_code)
    if isinstance(outcome, LiquidationResult):
        assert outcome.order_id is not None
    if "order id kept" in action:
        assert getattr(outcome, "order_id", None) == 8
        assert getattr(outcome, "raw", {}).get("newField") == 1
    if "names the URL" in error:
        assert "/v1/order/liquidateposition" in str(outcome)

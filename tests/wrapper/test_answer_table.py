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

from tradovate_liquidate import (
    LIQUIDATION_ANSWER_LIMIT,
    Credentials,
    LiquidationResult,
    OutcomeUnknownError,
    TradovateError,
    _exceptions,
)
from tradovate_liquidate._cli_output import _exit_code
from tradovate_liquidate.testing import ManualClock

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


SIGNED_IN = {"accessToken": "a" * 40, "expirationTime": "2100-01-01T00:00:00+00:00"}


def then_signed_in(first: Answer) -> Answer:
    ok = json_answer(SIGNED_IN)
    return lambda request, attempt: first(request, attempt) if attempt == 1 else ok(request, 2)


def raising(error: type[httpx.RequestError]) -> Answer:
    def answer(request: httpx.Request, attempt: int) -> httpx.Response:
        raise error("injected", request=request)

    return answer


# answer column -> (what the server does on each attempt, token is a callable?)
SCENARIOS: dict[str, tuple[Answer, bool]] = {
    "200 `failureReason` `Success` with an `orderId`": (
        json_answer({"failureReason": "Success", "orderId": 7}),
        False,
    ),
    "200 `failureReason` `Success` without an `orderId`": (
        json_answer({"failureReason": "Success"}),
        False,
    ),
    "200 a known `failureReason` but `Success`, no `orderId`": (
        json_answer({"failureReason": "TradingLocked", "failureText": "locked"}),
        False,
    ),
    "200 a new `failureReason`, or any with an `orderId`": (
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
    "an answer over `max_answer_bytes` once decompressed": (
        lambda request, attempt: httpx.Response(200, content=b" " * (LIQUIDATION_ANSWER_LIMIT + 1)),
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
    "timeout, deadline or dropped connection after sending": (raising(httpx.ReadTimeout), False),
    # The answers to a sign-in (the client has credentials); a liquidation follows a token.
    "sign-in: 200 `errorText` (wrong password)": (
        json_answer({"errorText": "Incorrect username or password"}),
        False,
    ),
    "sign-in: 200 time penalty (`p-ticket`, `p-time`)": (
        then_signed_in(json_answer({"p-ticket": "t", "p-time": 0})),
        False,
    ),
    "sign-in: 200 time penalty with `p-captcha`": (
        json_answer({"p-ticket": "t", "p-time": 5, "p-captcha": True}),
        False,
    ),
    "sign-in: 423 or 429": (status_answer(429), False),
    "sign-in: 404": (status_answer(404, "Not Found"), False),
    "sign-in: 5xx, or a status such as 520": (
        status_answer(520, "<html></html>"),
        False,
    ),
    "sign-in: no answer after sending": (
        raising(httpx.RemoteProtocolError),
        False,
    ),
    "sign-in: no connection could be made": (raising(httpx.ConnectError), False),
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


def run_row(
    harness: Harness, answer: str, *, verify: bool
) -> tuple[LiquidationResult | TradovateError, int, int]:
    """The call's outcome, and how many POSTs and reads reached the server."""
    respond, callable_token = SCENARIOS[answer]
    posts: list[httpx.Request] = []
    reads: list[httpx.Request] = []

    sign_in = answer.startswith("sign-in: ")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # verification's reads: here they always fail
            reads.append(request)
            return httpx.Response(500, text="reads are down")
        if sign_in and not request.url.path.endswith("/auth/accesstokenrequest"):
            return httpx.Response(200, json={"failureReason": "Success", "orderId": 7})
        posts.append(request)  # for a sign-in row: the sign-ins
        return respond(request, len(posts))

    token: Any = (lambda: "tok") if callable_token else "tok"
    who = {"credentials": Credentials("user", "pw", sec="sec")} if sign_in else {"token": token}
    client_kwargs: dict[str, Any] = {
        **who,
        "transport": httpx.MockTransport(handler),
        "connect_backoff": 0,
        "connect_retries": 2,
        "verify_outcome": verify,
        "clock": ManualClock(),  # settle and read backoff cost no real time
    }
    outcome: LiquidationResult | TradovateError
    try:
        outcome = harness.liquidate(client_kwargs, 1, 2)
    except TradovateError as exc:
        outcome = exc
    return outcome, len(posts), len(reads)


@pytest.mark.parametrize(("answer", "error", "action", "exit_code"), ROWS, ids=[r[0] for r in ROWS])
def test_each_answer_alone_is_handled_as_the_table_says(
    harness: Harness, answer: str, error: str, action: str, exit_code: str
) -> None:
    outcome, posts, reads = run_row(harness, answer, verify=False)
    named = re.findall(r"`(\w+)`", error)
    expected_class = "LiquidationResult" if error.startswith(("none", "per the rest")) else named[0]
    assert type(outcome).__name__ == expected_class
    expected_posts = {"resends (`connect_retries`)": 3}.get(
        action, 2 if action.startswith(("resends", "waits")) else 1
    )
    assert (posts, reads) == (expected_posts, 0)
    if action != "verifies":
        assert _exit_code(outcome) == int(exit_code)
    if isinstance(outcome, LiquidationResult) and action != "verifies":
        assert outcome.order_id is not None
    if answer.startswith("200 a new"):
        assert getattr(outcome, "order_id", None) == 8
        assert getattr(outcome, "raw", {}).get("newField") == 1
    if "names the URL" in error:
        path = "/auth/accesstokenrequest" if answer.startswith("sign-in") else "/order/"
        assert f"/v1{path}" in str(outcome)
    if "session may be open" in error:
        assert "may have opened a session" in str(outcome)


@pytest.mark.parametrize(("answer", "error", "action", "exit_code"), ROWS, ids=[r[0] for r in ROWS])
def test_a_verified_answer_is_read_back_never_resent(
    harness: Harness, answer: str, error: str, action: str, exit_code: str
) -> None:
    outcome, posts, reads = run_row(harness, answer, verify=True)
    if action != "verifies":
        assert reads == 0, "only uncertain answers are read back"
        return
    assert posts == 1, "an answer the server may have acted on is never resent"
    assert reads >= 1
    assert isinstance(outcome, OutcomeUnknownError), "the reads failed: still unknown"
    assert _exit_code(outcome) == int(exit_code) == 4

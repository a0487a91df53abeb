"""Every fault the fake can inject, over real loopback, on both clients, then a second call.

Each row: the exact outcome; how many POSTs and reads reached the fake; how many closing
orders it placed (never more than one per target); and what calling again does (the
pending check: a target whose outcome was unsettled is read before anything is sent).
Client and fake share a ManualClock, so the settle window costs no real time.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tradovate_liquidate import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationResult,
    NotLiquidatedError,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
)
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault, FaultKind, ManualClock

from ..harness import Harness
from .conftest import MATRIX

ACCOUNT, CONTRACT = 100_001, 3_570_918
TOKEN = "fault-matrix-token"
Setup = Callable[[FakeTradovate], None]


class Row:
    def __init__(
        self,
        name: str,
        provoke: Setup,
        outcome: type,
        posts: int,
        reads: int,
        orders: int,
        again: str,
        *,
        kinds: tuple[FaultKind, ...] = (),
        verified: bool = False,
        fill_mode: str = "fill",
        between: float = 0.0,
    ) -> None:
        self.name, self.provoke, self.outcome = name, provoke, outcome
        self.posts, self.reads, self.orders, self.again = posts, reads, orders, again
        self.kinds, self.verified, self.fill_mode, self.between = (
            kinds,
            verified,
            fill_mode,
            between,
        )


def inject(*faults: Fault, times: int | None = 1) -> Setup:
    return lambda fake: [fake.inject(fault, times=times) for fault in faults] and None


# posts and reads: the first call's. orders: closing orders the fake placed in all, both
# calls and any late action. "again": what a second liquidate_position of the same target
# did, as "<outcome>: <POSTs>/<reads>" counted for that second call alone. A target
# verified flat is settled, so a second call is an ordinary one (the fake answers Success
# without an order, which is verified); one left with an order not known to be filled
# is read first: nothing is sent while that order of ours still works, and once it is
# filled (or dead) the entry is settled and the call is an ordinary one too. A read of /command/deps
# is counted where a candidate's tag had to be read (the client's own tag, see _outcome).
ROWS = [
    Row("no fault", lambda f: None, LiquidationResult, 1, 0, 1, "LiquidationResult: 1/5"),
    Row("latency beyond the timeout", inject(Fault.delay(1.0)), LiquidationResult, 1, 3, 1,
        "LiquidationResult: 1/3", kinds=(FaultKind.DELAY,), verified=True),
    Row("500", inject(Fault.server_error(500)), LiquidationResult, 1, 3, 1,
        "LiquidationResult: 1/3", kinds=(FaultKind.SERVER_ERROR,), verified=True),
    Row("520 with an HTML body", inject(Fault.html_error(520)), LiquidationResult, 1, 3, 1,
        "LiquidationResult: 1/3", kinds=(FaultKind.HTML_ERROR,), verified=True),
    Row("answer lost, order placed (drop after acting)", inject(Fault.drop_connection()),
        LiquidationResult, 1, 3, 1, "LiquidationResult: 1/3",
        kinds=(FaultKind.DROP_AFTER_READ,), verified=True),
    Row("malformed JSON", inject(Fault.malformed_json()), LiquidationResult, 1, 3, 1,
        "LiquidationResult: 1/3", kinds=(FaultKind.MALFORMED_JSON,), verified=True),
    Row("unknown failureReason (order id kept)", inject(Fault.unknown_reason("Brand")),
        LiquidationResult, 1, 2, 1, "LiquidationResult: 1/3",
        kinds=(FaultKind.UNKNOWN_REASON,), verified=True),
    Row("request dropped before anything was done", inject(Fault.drop_before_acting()),
        NotLiquidatedError, 1, 10, 1, "LiquidationResult: 1/2",
        kinds=(FaultKind.DROP_BEFORE_ACTING,)),
    Row("late action within the settle window (1 s)", inject(Fault.late_action(1.0)),
        LiquidationResult, 1, 7, 1, "LiquidationResult: 1/3",
        kinds=(FaultKind.LATE_ACTION,), verified=True),
    Row("late action after the settle window (8 s)", inject(Fault.late_action(8.0)),
        NotLiquidatedError, 1, 10, 1, "LiquidationResult: 1/6", between=8.0),
    Row("answer lost, and every read fails with 500",
        inject(Fault.drop_connection()) and (lambda f: (f.inject(Fault.drop_connection()),
                                                      f.inject(Fault.read_error(), times=None))),
        OutcomeUnknownError, 1, 3, 1, "OutcomeUnknownError: 0/3", kinds=(FaultKind.READ_ERROR,)),
    Row("answer lost, the exchange rejects the order", inject(Fault.drop_connection()),
        NotLiquidatedError, 1, 3, 2, "LiquidationResult: 1/3", fill_mode="reject"),
    Row("answer lost, the order never fills", inject(Fault.drop_connection()),
        LiquidationResult, 1, 3, 1, "LiquidationResult: 0/2", fill_mode="never", verified=True),
    Row("401, expired token", lambda f: f.expire_token(TOKEN), AuthenticationError, 1, 0, 0,
        "AuthenticationError: 1/0"),
    Row("429 lockout", lambda f: f.lock_out(), RateLimitError, 1, 0, 0, "RateLimitError: 1/0"),
    Row("time-penalty ticket (waited out, resent with the ticket)",
        lambda f: f.impose_penalty(1), LiquidationResult, 2, 0, 1, "LiquidationResult: 1/5"),
    Row("captcha penalty", lambda f: f.impose_penalty(60, captcha=True), RateLimitError, 1, 0, 0,
        "RateLimitError: 1/0"),
    Row("errorText answer", inject(Fault.error_text("Access is denied")), RequestRejected,
        1, 0, 1, "LiquidationResult: 1/0", kinds=(FaultKind.ERROR_TEXT,)),
    Row("violations answer", inject(Fault.violations()), RequestRejected, 1, 0, 1,
        "LiquidationResult: 1/0", kinds=(FaultKind.VIOLATIONS,)),
    Row("fields newer than the spec in the answer (kept in raw)",
        inject(Fault.extra_fields(settlementHint="T+1")), LiquidationResult, 1, 0, 1,
        "LiquidationResult: 1/5", kinds=(FaultKind.EXTRA_FIELDS,)),
]  # fmt: skip


def counts(fake: FakeTradovate, since: int = 0) -> tuple[int, int]:
    requests = fake.requests[since:]
    return (
        sum(r.method == "POST" for r in requests),
        sum(r.method == "GET" for r in requests),
    )


def attempt(harness: Harness, kwargs: dict[str, Any]) -> Any:
    try:
        return harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except Exception as error:
        return error


def two_calls(harness: Harness, kwargs: dict[str, Any], fake: FakeTradovate, row: Row) -> Any:
    """The first call, then (after `between` seconds of the shared clock) a second one."""

    def use(client: Any) -> Any:
        async def both() -> Any:
            first = await _call(client)
            before = len(fake.requests)
            kwargs["clock"].advance(row.between)
            return first, await _call(client), before

        if harness.kind == "async":
            return both()
        first = _sync_call(client)
        before = len(fake.requests)
        kwargs["clock"].advance(row.between)
        return first, _sync_call(client), before

    return harness.run(kwargs, use)


async def _call(client: Any) -> Any:
    try:
        return await client.liquidate_position(ACCOUNT, CONTRACT)
    except Exception as error:
        return error


def _sync_call(client: Any) -> Any:
    try:
        return client.liquidate_position(ACCOUNT, CONTRACT)
    except Exception as error:
        return error


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    return FakeTradovate(clock=clock.time)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_fault(
    harness: Harness, fake: FakeTradovate, server: FakeServer, clock: ManualClock, row: Row
) -> None:
    fake._book.fill_mode = row.fill_mode
    fake.accept_token(TOKEN, expires_in=10**9)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    row.provoke(fake)
    kwargs = {
        "token": TOKEN,
        "base_url": server.base_url,
        "timeout": httpx.Timeout(5.0, read=0.3),
        "connect_backoff": 0,
        "clock": clock,
    }
    first, second, before = two_calls(harness, kwargs, fake, row)
    assert type(first) is row.outcome, repr(first)
    posts, reads = counts(fake)
    posts_then, reads_then = counts(fake, before)
    posts, reads = posts - posts_then, reads - reads_then
    placed = len(fake.placed)  # by both calls (and any late action)
    assert (posts, reads) == (row.posts, row.reads)
    assert placed == row.orders
    if isinstance(first, LiquidationResult):
        assert first.verified is row.verified
        if fake.placed:
            assert first.order_id == fake.placed[0].order_id, "the order id is never lost"
    again = f"{type(second).__name__}: {posts_then}/{reads_then}"
    assert again == row.again
    assert _never_two_working_closing_orders(fake)
    MATRIX.append(
        (row.name, harness.kind, row.outcome.__name__, str(posts), str(reads), str(placed), again)
    )


def _never_two_working_closing_orders(fake: FakeTradovate) -> bool:
    return (
        len(fake.working_orders(ACCOUNT, CONTRACT)) <= 1 and fake.position(ACCOUNT, CONTRACT) >= 0
    )


def test_connection_refused(harness: Harness) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kwargs = {"token": TOKEN, "base_url": f"http://127.0.0.1:{port}/v1", "connect_backoff": 0}
    outcome = attempt(harness, kwargs)
    assert type(outcome) is ConnectionFailedError
    MATRIX.append(("connection refused", harness.kind, "ConnectionFailedError", "0", "0", "0", ""))


def test_every_fault_the_fake_can_inject_is_in_the_matrix() -> None:
    provoked = {kind for row in ROWS for kind in row.kinds}
    assert provoked == set(FaultKind)

"""Every fault the fake can inject, over real loopback, on both clients.

Each row: the exact exception (or a result), how many requests reached the fake (1
wherever a resend would be unsafe), and how many closing orders it placed (never more
than one per call).
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
    LiquidationRejected,
    LiquidationResult,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    UnexpectedResponseError,
)
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault

from ..harness import Harness
from .conftest import MATRIX

ACCOUNT, CONTRACT = 100_001, 3_570_918
Setup = Callable[[FakeTradovate], None]

# fault name, how to provoke it, expected outcome type, requests received, orders placed
FAULTS: list[tuple[str, Setup, type, int, int]] = [
    ("latency beyond the timeout", lambda f: f.inject(Fault.delay(1.0)), OutcomeUnknownError, 1, 1),
    ("500", lambda f: f.inject(Fault.server_error(500)), ServerError, 1, 1),
    ("520 with HTML", lambda f: f.inject(Fault.html_error(520)), ServerError, 1, 1),
    (
        "dropped after the request was read",
        lambda f: f.inject(Fault.drop_connection()),
        OutcomeUnknownError,
        1,
        1,
    ),
    ("malformed JSON", lambda f: f.inject(Fault.malformed_json()), UnexpectedResponseError, 1, 1),
    (
        "unknown failureReason",
        lambda f: f.inject(Fault.unknown_reason("Brand")),
        LiquidationRejected,
        1,
        1,
    ),
    ("401 expired token", lambda f: f.expire_token(TOKEN), AuthenticationError, 1, 0),
    ("429 lockout", lambda f: f.lock_out(), RateLimitError, 1, 0),
    ("time-penalty ticket", lambda f: f.impose_penalty(1), LiquidationResult, 2, 1),
    ("captcha penalty", lambda f: f.impose_penalty(60, captcha=True), RateLimitError, 1, 0),
    (
        "errorText answer",
        lambda f: f.inject(Fault.error_text("Access is denied")),
        RequestRejected,
        1,
        0,
    ),
    ("violations answer", lambda f: f.inject(Fault.violations()), RequestRejected, 1, 0),
    (
        "fields newer than the spec in the answer",
        lambda f: f.inject(Fault.extra_fields(settlementHint="T+1")),
        LiquidationResult,
        1,
        1,
    ),
    ("no fault", lambda f: None, LiquidationResult, 1, 1),
]
TOKEN = "fault-matrix-token"


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.accept_token(TOKEN)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


def call(harness: Harness, base_url: str) -> Any:
    kwargs = {
        "token": TOKEN,
        "base_url": base_url,
        "timeout": httpx.Timeout(5.0, read=0.3),
        "connect_backoff": 0,
    }
    try:
        return harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except Exception as error:
        return error


@pytest.mark.parametrize(
    ("name", "provoke", "expected", "requests", "orders"), FAULTS, ids=[row[0] for row in FAULTS]
)
def test_fault(
    harness: Harness,
    fake: FakeTradovate,
    server: FakeServer,
    name: str,
    provoke: Setup,
    expected: type,
    requests: int,
    orders: int,
) -> None:
    provoke(fake)
    outcome = call(harness, server.base_url)
    assert type(outcome) is expected, repr(outcome)
    assert len(fake.requests) == requests
    assert len(fake.placed) == orders
    if isinstance(outcome, LiquidationRejected):
        assert outcome.order_id == fake.placed[0].order_id, "the order id is never lost"
    MATRIX.append((name, harness.kind, expected.__name__, len(fake.requests), len(fake.placed)))


def test_connection_refused(harness: Harness) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = call(harness, f"http://127.0.0.1:{port}/v1")
    assert type(outcome) is ConnectionFailedError
    MATRIX.append(("connection refused", harness.kind, "ConnectionFailedError", 0, 0))


def test_every_fault_the_fake_can_inject_is_in_the_matrix() -> None:
    from tradovate_liquidate.testing import FaultKind

    provoked = {
        "latency beyond the timeout": FaultKind.DELAY,
        "500": FaultKind.SERVER_ERROR,
        "520 with HTML": FaultKind.HTML_ERROR,
        "dropped after the request was read": FaultKind.DROP_AFTER_READ,
        "malformed JSON": FaultKind.MALFORMED_JSON,
        "unknown failureReason": FaultKind.UNKNOWN_REASON,
        "errorText answer": FaultKind.ERROR_TEXT,
        "violations answer": FaultKind.VIOLATIONS,
        "fields newer than the spec in the answer": FaultKind.EXTRA_FIELDS,
    }
    assert set(provoked.values()) == set(FaultKind)
    assert set(provoked) <= {row[0] for row in FAULTS}

"""liquidate_many: bounded, ordered, never raising for one target, sharing time penalties."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest

from tradovate_liquidate import (
    AuthenticationError,
    LiquidationRejected,
    LiquidationResult,
    LiquidationTarget,
    RateLimitError,
    TradovateError,
)
from tradovate_liquidate.testing import FakeTradovate, Fault, RateLimit

from .conftest import Harness
from .transports import LockOutAt

# What an answer alone means: these clients do not verify (see tests/conftest.py).
pytestmark = pytest.mark.answer_only


@pytest.fixture
def book() -> FakeTradovate:
    return FakeTradovate(open_book=True)


def test_outcomes_come_back_in_input_order_and_failures_do_not_raise(
    harness: Harness, book: FakeTradovate
) -> None:
    token = book.issue_token()
    book.add_account(3, status="locked")
    targets = [
        (1, 10),
        (2, 10),
        (3, 10),
        LiquidationTarget(4, 10, custom_tag="own"),
        (5, 10, "tuple-tag"),
    ]
    outcomes = harness.run(
        {"token": token, "transport": book.transport()},
        lambda client: client.liquidate_many(targets, concurrency=3, custom_tag="batch"),
    )
    assert [type(outcome) for outcome in outcomes] == [
        LiquidationResult,
        LiquidationResult,
        LiquidationRejected,
        LiquidationResult,
        LiquidationResult,
    ]
    assert [outcome.account_id for outcome in outcomes] == [1, 2, 3, 4, 5]
    assert outcomes[2].reason == "TradingLocked"
    tags = {order.account_id: order.custom_tag for order in book.placed}
    assert tags == {1: "batch", 2: "batch", 4: "own", 5: "tuple-tag"}


def test_every_target_is_checked_before_anything_is_sent(
    harness: Harness, book: FakeTradovate
) -> None:
    with pytest.raises(ValueError, match=r"targets\[2\]: account_id: must be a positive int64"):
        harness.run(
            {"token": "t", "transport": book.transport()},
            lambda client: client.liquidate_many([(1, 2), (3, 4), (0, 5)]),
        )
    with pytest.raises(TypeError, match=r"targets\[0\]: expected a tuple or an object"):
        harness.run(
            {"token": "t", "transport": book.transport()}, lambda client: client.liquidate_many([7])
        )
    with pytest.raises(ValueError, match="concurrency: must be 1 to 256, not 0"):
        harness.run(
            {"token": "t", "transport": book.transport()},
            lambda c: c.liquidate_many([(1, 2)], concurrency=0),
        )
    with pytest.raises(TypeError, match="admin: expected a bool"):
        harness.run(
            {"token": "t", "transport": book.transport()},
            lambda c: c.liquidate_many([(1, 2)], admin="no"),
        )
    assert book.requests == []


def test_a_batch_checks_each_value_once_at_the_boundary(
    harness: Harness, book: FakeTradovate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch checks its targets and shared keywords when it is made; the calls it
    then makes use them as they are, not through liquidate_position's checks again."""
    from tradovate_liquidate import _arguments, _batch

    checked: list[object] = []
    check_id = _arguments.check_id

    def counting(value: object, name: str) -> int:
        checked.append(value)
        return check_id(value, name)

    monkeypatch.setattr(_batch, "check_id", counting)
    monkeypatch.setattr(_arguments, "check_id", counting)
    targets = [(1001, 2001), (1002, 2002, "own"), LiquidationTarget(1003, 2003)]
    outcomes = harness.run(
        {"token": book.issue_token(), "transport": book.transport()},
        lambda client: client.liquidate_many(targets, custom_tag="batch"),
    )
    assert [outcome.order_id is not None for outcome in outcomes] == [True] * 3
    for value in (1001, 2001, 1002, 2002, 1003, 2003):
        assert checked.count(value) == 1, value
    tags = {order.account_id: order.custom_tag for order in book.placed}
    assert tags == {1001: "batch", 1002: "own", 1003: "batch"}


@pytest.mark.parametrize(
    ("targets", "first", "second"),
    [
        ([(1, 2), (1, 2)], 0, 1),
        ([(1, 2), (3, 4), LiquidationTarget(1, 2)], 0, 2),
        ([(5, 6), LiquidationTarget(1, 2, custom_tag="a"), (1, 2, "b")], 1, 2),
        ([(1, 2), (2, 1), (1, 3), (3, 1), (2, 1)], 1, 4),
    ],
)
def test_a_position_listed_twice_is_refused_before_anything_is_sent(
    harness: Harness, book: FakeTradovate, targets: list[Any], first: int, second: int
) -> None:
    """A second closing order for the same position could flip it instead of flattening it."""
    with pytest.raises(
        ValueError, match=rf"targets\[{second}\]: the same position as targets\[{first}\]"
    ):
        harness.run(
            {"token": book.issue_token(), "transport": book.transport()},
            lambda client: client.liquidate_many(targets, concurrency=4),
        )
    assert book.requests == []


def test_an_empty_batch_sends_nothing(harness: Harness, book: FakeTradovate) -> None:
    assert (
        harness.run(
            {"token": "t", "transport": book.transport()}, lambda client: client.liquidate_many([])
        )
        == []
    )
    assert book.requests == []


def test_on_progress_hears_of_every_target_once_even_when_it_raises(
    harness: Harness, book: FakeTradovate
) -> None:
    token = book.issue_token()
    heard: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def progress(index: int, outcome: Any) -> None:
        with lock:
            heard.append((index, outcome))
        raise RuntimeError("a broken progress bar")

    outcomes = harness.run(
        {"token": token, "transport": book.transport()},
        lambda client: client.liquidate_many([(a, 1) for a in range(1, 11)], on_progress=progress),
    )
    assert sorted(index for index, _ in heard) == list(range(10))
    assert all(outcomes[index] is outcome for index, outcome in heard)
    assert len(book.placed) == 10


def test_typed_errors_land_in_place(harness: Harness, book: FakeTradovate) -> None:
    token = book.issue_token()
    book.schedule([None, Fault.server_error()])
    outcomes = harness.run(
        {"token": token, "transport": book.transport()},
        lambda client: client.liquidate_many([(1, 1), (2, 1)], concurrency=1),
    )
    assert isinstance(outcomes[0], LiquidationResult)
    assert isinstance(outcomes[1], TradovateError)
    assert outcomes[1].status_code == 500


def test_an_expired_token_fails_every_target_with_a_typed_error(
    harness: Harness, book: FakeTradovate
) -> None:
    outcomes = harness.run(
        {"token": "expired", "transport": book.transport()},
        lambda client: client.liquidate_many([(1, 1), (2, 1)]),
    )
    assert all(isinstance(outcome, AuthenticationError) for outcome in outcomes)


TARGETS = 40
BUDGET = 10
CONCURRENCY = 5


def test_a_time_penalty_is_shared_one_ticket_per_wait(harness: Harness) -> None:
    """Budget exhausted repeatedly: every target is liquidated once, and while one call
    waits out a penalty the others hold back instead of earning abuse (and a captcha)."""
    fake = FakeTradovate(
        open_book=True,
        latency=0.01,
        rate_limit=RateLimit(budget=BUDGET, penalty_seconds=1, captcha_after=CONCURRENCY + 1),
    )
    token = fake.issue_token()
    outcomes = harness.run(
        {"token": token, "transport": fake.transport()},
        lambda client: client.liquidate_many(
            [(a, 1) for a in range(1, TARGETS + 1)], concurrency=CONCURRENCY
        ),
    )
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes), outcomes
    assert sorted(order.account_id for order in fake.placed) == list(range(1, TARGETS + 1))
    penalties = [request for request in fake.requests if request.answer == "penalty"]
    assert fake.tickets_issued <= math.ceil(TARGETS / BUDGET)
    # Only requests already in flight when a penalty began may meet it.
    assert len(penalties) <= fake.tickets_issued * CONCURRENCY


def test_a_lockout_stops_the_batch_and_the_rest_is_reported_not_sent(
    harness: Harness, book: FakeTradovate
) -> None:
    """Every request sent into a 429 lockout extends it: the batch stops sending."""
    heard: list[int] = []
    outcomes = harness.run(
        {"token": book.issue_token(), "transport": LockOutAt(book, 2)},
        lambda client: client.liquidate_many(
            [(account, 7) for account in range(1, 6)],
            concurrency=1,
            on_progress=lambda index, outcome: heard.append(index),
        ),
    )
    assert isinstance(outcomes[0], LiquidationResult)
    assert [type(outcome) for outcome in outcomes[1:]] == [RateLimitError] * 4
    assert [outcome.account_id for outcome in outcomes] == [1, 2, 3, 4, 5]
    assert all("not sent" in outcome.message for outcome in outcomes[2:])
    assert all(outcome.__cause__ is outcomes[1] for outcome in outcomes[2:])
    posts = [r for r in book.requests if r.path.endswith("/liquidateposition")]
    assert len(posts) == 2  # nothing after the 429
    assert sorted(heard) == [0, 1, 2, 3, 4]

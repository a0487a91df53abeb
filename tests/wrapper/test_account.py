"""liquidate_account: one whole account flattened, on both clients, requests counted."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tradovate_liquidate import (
    AccountResult,
    LiquidationRejected,
    LiquidationResult,
    RateLimitError,
    RequestRejected,
)
from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock

from .conftest import Harness

ACCOUNT = 123
ES, NQ, CL, GC = 3570918, 3570919, 3570920, 3570921


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_positions(f"{ACCOUNT}:{ES}:2,{ACCOUNT}:{NQ}:-1,{ACCOUNT}:{CL}:0")
    return fake


@pytest.fixture
def on_fake(fake: FakeTradovate, clock: ManualClock) -> dict[str, Any]:
    return {"token": fake.issue_token(), "transport": fake.transport(), "clock": clock}


def sent(fake: FakeTradovate) -> Counter[str]:
    return Counter(f"{r.method} {r.path.removeprefix('/v1')}" for r in fake.requests)


def test_every_open_position_is_flattened_and_confirmed(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    stray = fake.add_working_order(account_id=ACCOUNT, contract_id=GC)
    result = harness.run(on_fake, lambda client: client.liquidate_account(ACCOUNT))
    assert isinstance(result, AccountResult)
    assert result.flat is True
    assert result.net_before == {ES: 2, NQ: -1}  # the flat one is not there: nothing sent
    assert [type(o) for o in result.positions] == [LiquidationResult, LiquidationResult]
    assert [o.contract_id for o in result.positions] == [ES, NQ]
    assert result.cancelled == [stray]
    assert fake.working_orders(ACCOUNT, GC) == []
    assert (fake.position(ACCOUNT, ES), fake.position(ACCOUNT, NQ)) == (0, 0)
    assert sent(fake) == {
        "GET /account/item": 1,
        "GET /position/deps": 2,  # the first read, and the one confirming flat
        "GET /order/deps": 1,
        "POST /order/cancelorder": 1,
        "POST /order/liquidateposition": 2,
    }


def test_an_account_the_token_cannot_see_is_an_error_never_flat(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    with pytest.raises(RequestRejected) as caught:
        harness.run(on_fake, lambda client: client.liquidate_account(999))
    assert caught.value.account_result.positions == []
    assert sent(fake) == {"GET /account/item": 1}


def test_one_position_failing_is_its_outcome_and_the_account_is_not_flat(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.add_contract(NQ, session_open=False)
    result = harness.run(on_fake, lambda client: client.liquidate_account(ACCOUNT, confirm=False))
    assert isinstance(result.positions[0], LiquidationResult)
    assert isinstance(result.positions[1], LiquidationRejected)
    assert result.positions[1].reason == "SessionClosed"
    assert result.flat is False
    assert fake.position(ACCOUNT, ES) == 0


def test_a_lost_answer_is_verified_within_the_account(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.inject(Fault.drop_connection())  # the first liquidation acts, its answer is lost
    result = harness.run(on_fake, lambda client: client.liquidate_account(ACCOUNT))
    first = result.positions[0]
    assert isinstance(first, LiquidationResult)
    assert first.verified is True
    assert first.order_id == fake.placed[0].order_id
    assert result.flat is True
    assert len(fake.placed) == 2  # never sent twice


def test_a_lockout_stops_the_account_and_carries_the_results_so_far(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.lock_out()
    with pytest.raises(RateLimitError) as caught:
        harness.run(on_fake, lambda client: client.liquidate_account(ACCOUNT))
    assert caught.value.account_result.account_id == ACCOUNT
    assert caught.value.account_result.flat is False
    assert fake.placed == []


def test_arguments_are_checked_before_anything_is_sent(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="custom_tag"):
        harness.run(on_fake, lambda client: client.liquidate_account(ACCOUNT, custom_tag="x" * 65))
    with pytest.raises(TypeError, match="account_id"):
        harness.run(on_fake, lambda client: client.liquidate_account("123"))
    assert fake.requests == []

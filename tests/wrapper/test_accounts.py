"""liquidate_accounts: many whole accounts, on both clients, requests counted at the fake."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tradovate_liquidate import LiquidationResult, NotFlatError, RateLimitError
from tradovate_liquidate._accounts_steps import BULK_CHUNK, LDEPS_CHUNK
from tradovate_liquidate.testing import FakeTradovate, ManualClock

from .conftest import Harness
from .transports import FailingOrderReads, LockOutAt

ES, NQ, CL = 3570918, 3570919, 3570920


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_positions(f"1:{ES}:2,1:{NQ}:-1,2:{ES}:0,3:{CL}:4")
    return fake


@pytest.fixture
def on_fake(fake: FakeTradovate, clock: ManualClock) -> dict[str, Any]:
    return {"token": fake.issue_token(), "transport": fake.transport(), "clock": clock}


def sent(fake: FakeTradovate) -> Counter[str]:
    return Counter(f"{r.method} {r.path.removeprefix('/v1')}" for r in fake.requests)


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_results_come_in_input_order_and_flat_accounts_cost_no_liquidation(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], method: str
) -> None:
    run = harness.run(on_fake, lambda client: client.liquidate_accounts([3, 2, 1], method=method))
    assert [result.account_id for result in run] == [3, 2, 1]
    assert [result.flat for result in run] == [True, True, True]
    assert run[1].positions == []
    assert run[1].net_before == {}
    assert run[2].net_before == {ES: 2, NQ: -1}
    assert all(isinstance(o, LiquidationResult) for r in run for o in r.positions)
    assert run.requests == sent(fake)  # the reported budget is what the server received
    liquidations = 3 if method == "per-position" else 1
    kind = "liquidateposition" if method == "per-position" else "liquidatepositions"
    assert sent(fake) == {
        "GET /account/list": 1,
        "GET /position/ldeps": 2,  # one read of the 3 accounts, one confirming the 2 open
        "GET /order/ldeps": 1,  # working orders of the 3 accounts: none stray here
        f"POST /order/{kind}": liquidations,
    }


def test_duplicate_accounts_are_refused_naming_both_indexes_with_nothing_sent(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match=r"account_ids\[2\].*account_ids\[0\]"):
        harness.run(on_fake, lambda client: client.liquidate_accounts([1, 3, 1]))
    with pytest.raises(ValueError, match="method"):
        harness.run(on_fake, lambda client: client.liquidate_accounts([1], method="fast"))
    assert fake.requests == []


def test_an_account_the_token_cannot_see_is_an_error_never_flat(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    run = harness.run(on_fake, lambda client: client.liquidate_accounts([999, 3]))
    assert run[0].flat is False
    assert run[0].error is not None
    assert run[1].flat is True


def test_bulk_settles_a_partly_failed_request_by_reads_and_never_resends(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.add_contract(NQ, session_open=False)  # the bulk request stops at account 1's NQ
    run = harness.run(on_fake, lambda client: client.liquidate_accounts([1, 3], method="bulk"))
    es, nq = run[0].positions
    assert isinstance(es, LiquidationResult)
    assert es.flat is True
    assert es.order_id is None
    assert isinstance(nq, NotFlatError)
    assert nq.net_pos == -1
    assert isinstance(run[1].positions[0], NotFlatError)  # listed after the failure
    assert [r.flat for r in run] == [False, False]
    assert fake.position(1, ES) == 0
    assert fake.position(3, CL) == 4
    counts = sent(fake)
    assert counts["POST /order/liquidatepositions"] == 1  # never sent blind again
    assert counts["POST /order/liquidateposition"] == 0
    assert counts["GET /position/ldeps"] > 2  # read until flat_timeout


def test_reads_and_bulk_requests_are_chunked_at_the_documented_sizes(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    accounts = list(range(1000, 1000 + LDEPS_CHUNK + 30))
    fake.add_positions([(a, ES, 1) for a in accounts])
    run = harness.run(
        on_fake, lambda client: client.liquidate_accounts(accounts, method="bulk", concurrency=4)
    )
    assert all(result.flat for result in run)
    assert sent(fake) == {
        "GET /account/list": 1,
        "GET /position/ldeps": 4,  # 130 accounts: 100 + 30, read and then confirmed
        "GET /order/ldeps": 2,  # 130 accounts: 100 + 30
        "POST /order/liquidatepositions": 2,  # 130 positions: 100 + 30
    }
    bulk = [r for r in fake.requests if r.path.endswith("/liquidatepositions")]
    assert sorted(len(json.loads(r.body)["positions"]) for r in bulk) == [30, BULK_CHUNK]


def test_a_lockout_mid_run_stops_sending_and_carries_the_results_so_far(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    on_fake["transport"] = LockOutAt(fake, 2)
    with pytest.raises(RateLimitError) as caught:
        harness.run(on_fake, lambda client: client.liquidate_accounts([3, 1], concurrency=1))
    run = caught.value.accounts_result
    assert [r.account_id for r in run] == [3, 1]
    assert isinstance(run[0].positions[0], LiquidationResult)  # its order id is not lost
    assert run[1].error is caught.value
    assert run[1].flat is False
    assert len(fake.placed) == 1
    assert run.requests == sent(fake)
    assert sent(fake)["POST /order/liquidateposition"] == 2  # nothing after the 429


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_stray_working_orders_are_cancelled_so_nothing_reopens_a_position(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], method: str
) -> None:
    """As liquidate_account: a working order on a contract without a position (account 1
    holds ES and NQ, account 2 nothing open) would open one again after the flatten."""
    stray_of_1 = fake.add_working_order(account_id=1, contract_id=CL)
    stray_of_2 = fake.add_working_order(account_id=2, contract_id=NQ, side="Sell")
    held = fake.add_working_order(account_id=1, contract_id=ES)  # liquidation cancels it
    run = harness.run(on_fake, lambda client: client.liquidate_accounts([1, 2], method=method))
    assert [r.cancelled for r in run] == [[stray_of_1], [stray_of_2]]
    assert [r.cancel_errors for r in run] == [[], []]
    assert [r.flat for r in run] == [True, True]
    assert fake.working_orders(1, CL) == fake.working_orders(2, NQ) == []
    assert fake.working_orders(1, ES) == []
    assert held not in (stray_of_1, stray_of_2)
    assert sent(fake)["POST /order/cancelorder"] == 2  # not the held contract's order
    assert sent(fake)["GET /order/ldeps"] == 1
    assert run.requests == sent(fake)


def test_orders_that_cannot_be_read_are_reported_and_the_positions_still_flattened(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.add_working_order(account_id=1, contract_id=CL)
    on_fake["transport"] = FailingOrderReads(fake)
    run = harness.run(on_fake, lambda client: client.liquidate_accounts([1, 2]))
    assert run[0].flat is True
    assert [type(e).__name__ for e in run[0].cancel_errors] == ["ReadFailedError"]
    assert [type(e).__name__ for e in run[1].cancel_errors] == ["ReadFailedError"]
    assert run[0].cancelled == []
    assert (fake.position(1, ES), fake.position(1, NQ)) == (0, 0)
    assert sent(fake)["POST /order/cancelorder"] == 0

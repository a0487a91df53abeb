"""Reads, verification, pending targets and confirm=True, on both clients, by a shared clock."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tradovate_liquidate import (
    NotFlatError,
    NotLiquidatedError,
    Order,
    OutcomeUnknownError,
    Position,
)
from tradovate_liquidate._reads import READ_ATTEMPTS, ReadFailedError
from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock

from .conftest import ACCOUNT, CONTRACT, Harness, exit_fills_first


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


@pytest.fixture
def on_fake(fake: FakeTradovate, token: str, clock: ManualClock) -> dict[str, Any]:
    return {"token": token, "transport": fake.transport(), "connect_backoff": 0, "clock": clock}


def methods(fake: FakeTradovate) -> list[str]:
    return [request.method for request in fake.requests]


def outcome(harness: Harness, kwargs: dict[str, Any], *args: Any, **options: Any) -> Any:
    try:
        return harness.liquidate(kwargs, *args, **options)
    except Exception as error:
        return error


def test_reads_return_the_generated_models(harness: Harness, on_fake: dict[str, Any]) -> None:
    positions = harness.run(on_fake, lambda client: client.positions(ACCOUNT))
    assert [type(p) for p in positions] == [Position]
    assert (positions[0].account_id, positions[0].contract_id, positions[0].net_pos) == (
        ACCOUNT,
        CONTRACT,
        2,
    )
    assert positions[0].timestamp.year >= 2026
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    (order,) = harness.run(on_fake, lambda client: client.orders(ACCOUNT))
    assert isinstance(order, Order)
    assert (order.account_id, order.contract_id, order.action, order.ord_status) == (
        ACCOUNT,
        CONTRACT,
        "Sell",
        "Filled",
    )
    assert harness.run(on_fake, lambda client: client.net_position(ACCOUNT, CONTRACT)) == 0
    assert harness.run(on_fake, lambda client: client.net_position(ACCOUNT, 999)) == 0


def test_reads_check_their_arguments(harness: Harness, on_fake: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"^account_id"):
        harness.run(on_fake, lambda client: client.positions("1"))
    with pytest.raises(ValueError, match=r"^contract_id"):
        harness.run(on_fake, lambda client: client.net_position(1, 0))


@pytest.mark.parametrize("failures", [1, READ_ATTEMPTS - 1])
def test_a_read_is_retried_with_bounded_backoff(
    harness: Harness,
    on_fake: dict[str, Any],
    fake: FakeTradovate,
    clock: ManualClock,
    failures: int,
) -> None:
    fake.inject(Fault.read_error(500), times=failures)
    assert harness.run(on_fake, lambda client: client.net_position(ACCOUNT, CONTRACT)) == 2
    assert methods(fake) == ["GET"] * (failures + 1)
    assert clock.slept == pytest.approx(sum(0.1 * 2**i for i in range(failures)))


def test_a_read_gives_up_after_the_bound(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake.inject(Fault.read_error(503), times=None)
    with pytest.raises(ReadFailedError, match="3 tries"):
        harness.run(on_fake, lambda client: client.positions(ACCOUNT))
    assert methods(fake) == ["GET"] * READ_ATTEMPTS


def test_the_success_path_costs_no_read(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert (result.verified, result.flat) == (False, None)
    assert methods(fake) == ["POST"]


def test_verify_outcome_false_leaves_the_unknown_to_the_caller(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake.inject(Fault.drop_connection())
    error = outcome(harness, {**on_fake, "verify_outcome": False}, ACCOUNT, CONTRACT)
    assert type(error) is OutcomeUnknownError
    assert methods(fake) == ["POST"]


def test_a_lost_answer_is_verified_with_its_order(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert (result.verified, result.flat, result.order_id) == (True, True, fake.placed[0].order_id)


def test_a_working_order_found_is_returned_not_flat_and_never_doubled(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake._book.fill_mode = "never"
    fake.inject(Fault.server_error())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert (result.verified, result.flat) == (True, False)
    again = harness.liquidate(on_fake, ACCOUNT, CONTRACT)  # a fresh client: not pending there
    assert again.order_id is not None
    assert len(fake.working_orders(ACCOUNT, CONTRACT)) == 1


def someone_elses_order_in_flight(fake: FakeTradovate) -> None:
    """A Sell on the same contract, still PendingNew (so the liquidation cannot cancel it)."""
    book = fake._book
    book.fill_mode, book.accept_delay = "never", 1.0
    book.place(ACCOUNT, CONTRACT, "Sell", 1)
    book.accept_delay = 0.0


def test_several_untagged_candidates_are_ambiguous_whatever_their_status() -> None:
    """Only an entry from an older state file has no tag now: with two candidates, even
    two dead ones, which is ours cannot be told (the table's last row)."""
    from tradovate_liquidate._verify import Snapshot, judge

    def order(order_id: int, status: str) -> Order:
        return Order.from_dict(
            {"id": order_id, "accountId": ACCOUNT, "contractId": CONTRACT, "action": "Sell",
             "ordStatus": status, "timestamp": "2027-01-15T08:00:00Z", "admin": False}
        )  # fmt: skip

    exact = {("Rejected", "Canceled"): "not_done", ("Working", "Rejected"): "done",
             ("Filled", "Working"): "ambiguous"}  # fmt: skip
    for statuses, by_tag in exact.items():
        candidates = [order(1, statuses[0]), order(2, statuses[1])]
        assert judge(Snapshot(2, candidates)).kind == "ambiguous", statuses
        assert judge(Snapshot(2, candidates, exact=True)).kind == by_tag, statuses


def test_a_tag_picks_our_order_among_others(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    someone_elses_order_in_flight(fake)
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT, custom_tag="ours")
    (ours,) = [event for event in fake.placed if event.custom_tag == "ours"]
    assert (result.verified, result.order_id) == (True, ours.order_id)
    assert "GET" in methods(fake)


def test_rejected_by_the_exchange_is_not_liquidated_with_its_order(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake._book.fill_mode = "reject"
    fake.inject(Fault.malformed_json())
    error = outcome(harness, on_fake, ACCOUNT, CONTRACT)
    assert type(error) is NotLiquidatedError
    assert (error.order_id, error.net_pos) == (fake.placed[0].order_id, 2)


def test_nothing_done_is_not_liquidated_within_the_settle_window(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    fake.inject(Fault.drop_before_acting())
    error = outcome(harness, {**on_fake, "settle_timeout": 3.0}, ACCOUNT, CONTRACT)
    assert type(error) is NotLiquidatedError
    assert error.order_id is None
    assert error.net_pos == 2
    assert clock.slept == pytest.approx(3.0)
    assert 2 <= methods(fake).count("GET") <= 12, "a handful of reads at most"


@pytest.mark.parametrize("fills", [False, True], ids=["working", "filled"])
def test_a_pending_target_is_read_first_and_a_late_order_returned_or_settled(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock, fills: bool
) -> None:
    """The late order still working is ours: returned, nothing sent. Once it filled, the
    entry is settled and the call sends as a first one would (cancelling any working
    order placed since); the position is flat, so that send closes nothing."""
    if not fills:
        fake._book.fill_mode = "never"
    fake.inject(Fault.late_action(20.0))

    def twice(client: Any) -> Any:
        async def run() -> Any:
            with pytest.raises(NotLiquidatedError):
                await client.liquidate_position(ACCOUNT, CONTRACT)
            clock.advance(20.0)
            return await client.liquidate_position(ACCOUNT, CONTRACT)

        if harness.kind == "async":
            return run()
        with pytest.raises(NotLiquidatedError):
            client.liquidate_position(ACCOUNT, CONTRACT)
        clock.advance(20.0)
        return client.liquidate_position(ACCOUNT, CONTRACT)

    result = harness.run({**on_fake, "timeout": 0.05}, twice)  # the late answer never comes
    assert result.verified
    assert not fake.crossed_zero
    if not fills:
        assert result.order_id == fake.placed[0].order_id
        assert methods(fake).count("POST") == 1, "the second call sent nothing"
        return
    assert methods(fake).count("POST") == 2, "settled: the second call sent as a first one"
    assert len(fake.placed) == 1, "and, the position being flat, placed no closing order"
    assert (result.order_id, result.flat) == (None, True)


def test_confirm_waits_for_flat(
    harness: Harness, on_fake: dict[str, Any], clock: ManualClock, token: str
) -> None:
    slow = FakeTradovate(clock=clock.time, accept_delay=0.5, fill_delay=3.0)
    slow.accept_token(token)
    slow.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=-4)
    kwargs = {**on_fake, "transport": slow.transport()}
    result = harness.liquidate(kwargs, ACCOUNT, CONTRACT, confirm=True)
    assert (result.verified, result.flat) == (True, True)
    assert slow.position(ACCOUNT, CONTRACT) == 0
    assert 3.0 <= clock.slept < 5.0


def test_confirm_raises_not_flat_after_flat_timeout(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    fake._book.fill_mode = "never"
    kwargs = {**on_fake, "flat_timeout": 7.0}
    error = outcome(harness, kwargs, ACCOUNT, CONTRACT, confirm=True)
    assert type(error) is NotFlatError
    assert (error.order_id, error.net_pos) == (fake.placed[0].order_id, 2)
    assert clock.slept == pytest.approx(7.0)


def test_wait_until_flat_is_public(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    with pytest.raises(NotFlatError):
        harness.run(on_fake, lambda client: client.wait_until_flat(ACCOUNT, CONTRACT, timeout=1))
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=0)
    assert harness.run(on_fake, lambda c: c.wait_until_flat(ACCOUNT, CONTRACT, timeout=1)) is None


def test_verification_settings_are_checked(harness: Harness, on_fake: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"^settle_timeout"):
        harness.run({**on_fake, "settle_timeout": -1}, lambda client: None)
    with pytest.raises(TypeError, match=r"^verify_outcome"):
        harness.run({**on_fake, "verify_outcome": 1}, lambda client: None)
    with pytest.raises(TypeError, match=r"^confirm"):
        harness.liquidate(on_fake, ACCOUNT, CONTRACT, confirm="yes")


def test_after_a_success_a_new_position_is_liquidated_whatever_else_trades(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    """Our earlier order is known by its id: once it is done, a new position on the same
    contract is flattened, and the account's own later orders are never taken for ours."""

    def again(client: Any) -> Any:
        def reopen() -> None:
            clock.advance(60.0)
            fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=3)
            fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Sell")

        async def run() -> Any:
            await client.liquidate_position(ACCOUNT, CONTRACT)
            reopen()
            return await client.liquidate_position(ACCOUNT, CONTRACT)

        if harness.kind == "async":
            return run()
        client.liquidate_position(ACCOUNT, CONTRACT)
        reopen()
        return client.liquidate_position(ACCOUNT, CONTRACT)

    result = harness.run(on_fake, again)
    assert methods(fake).count("POST") == 2, "the new position was liquidated"
    assert result.order_id == fake.placed[-1].order_id
    assert fake.position(ACCOUNT, CONTRACT) == 0


def test_two_calls_for_one_position_at_once_send_one_closing_order(
    harness: Harness, token: str, clock: ManualClock
) -> None:
    """The second call waits for the first, then finds its order instead of sending."""
    slow = FakeTradovate(clock=clock.time, accept_delay=0.5, fill_delay=1.0, latency=0.05)
    slow.accept_token(token)
    slow.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)

    def both(client: Any) -> Any:
        if harness.kind == "async":

            async def gathered() -> Any:
                calls = [client.liquidate_position(ACCOUNT, CONTRACT) for _ in range(2)]
                return await asyncio.gather(*calls)

            return gathered()
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(client.liquidate_position, ACCOUNT, CONTRACT) for _ in "ab"]
            return [future.result() for future in futures]

    results = harness.run({"token": token, "transport": slow.transport(), "clock": clock}, both)
    clock.advance(5.0)
    assert [r.order_id for r in results] == [slow.placed[0].order_id] * 2
    assert len(slow.placed) == 1
    assert slow.position(ACCOUNT, CONTRACT) == 0
    assert not slow.crossed_zero


def test_confirm_is_not_flat_while_our_closing_order_still_works(
    harness: Harness, token: str
) -> None:
    """The strategy's own exit fills first: the position reads 0, but our closing order is
    still working and would open a position the other way. That is not flat."""
    fake, clock = exit_fills_first()
    fake.accept_token(token)
    kwargs = {"token": token, "transport": fake.transport(), "clock": clock}
    with pytest.raises(NotFlatError, match="still working") as not_flat:
        harness.liquidate(kwargs, ACCOUNT, CONTRACT, confirm=True)
    assert not_flat.value.order_id == fake.placed[0].order_id
    assert len(fake.placed) == 1, "nothing more was sent"

"""The customTag50s a pending target is looked for by, against the one sent."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate import LiquidationResult, NotLiquidatedError
from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock

from ..harness import Harness

ACCOUNT, CONTRACT = 100_001, 3_570_918


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


@pytest.fixture
def on_fake(fake: FakeTradovate, clock: ManualClock) -> dict[str, Any]:
    return {
        "token": fake.issue_token(),
        "transport": fake.transport(),
        "connect_backoff": 0,
        "clock": clock,
        "timeout": 0.05,  # a late action's answer never comes
        "settle_timeout": 2.0,
    }


def posts(fake: FakeTradovate) -> int:
    return sum(r.method == "POST" for r in fake.requests)


def three_calls(harness: Harness, kwargs: dict[str, Any], clock: ManualClock, tags: list[Any]):
    """Call 1 reaches nothing; call 2 (another tag) is acted on only after its settle
    window; call 3 comes once that late order exists and still works."""

    def use(client: Any) -> Any:
        async def run() -> Any:
            outcomes = []
            for index, tag in enumerate(tags):
                if index == 2:
                    clock.advance(30.0)
                try:
                    outcomes.append(
                        await client.liquidate_position(ACCOUNT, CONTRACT, custom_tag=tag)
                    )
                except NotLiquidatedError as exc:
                    outcomes.append(exc)
            return outcomes

        if harness.kind == "async":
            return run()
        outcomes = []
        for index, tag in enumerate(tags):
            if index == 2:
                clock.advance(30.0)
            try:
                outcomes.append(client.liquidate_position(ACCOUNT, CONTRACT, custom_tag=tag))
            except NotLiquidatedError as exc:
                outcomes.append(exc)
        return outcomes

    return harness.run(kwargs, use)


@pytest.mark.parametrize(
    "tags", [[None, "desk-7", None], ["desk-1", "desk-2", "desk-2"], [None, "desk-7", "desk-7"]]
)
def test_a_late_order_sent_under_a_new_tag_is_found_before_sending_again(
    harness: Harness,
    on_fake: dict[str, Any],
    fake: FakeTradovate,
    clock: ManualClock,
    tags: list[Any],
) -> None:
    """The second send carries the caller's new tag (a caller's tag wins), and its order
    lands late. The pending entry keeps every tag sent, so the third call (under either
    tag, or none) finds that order still working, returns it and sends nothing: looking
    for the first send's tag alone sent a second closing order and flipped the position."""
    # Our late closing order stays PendingNew (a liquidation cannot cancel it), then fills.
    fake._book.accept_delay, fake._book.fill_delay = 100.0, 150.0
    fake.schedule([Fault.drop_before_acting(), Fault.late_action(10.0)])  # POSTs only
    first, second, third = three_calls(harness, on_fake, clock, tags)
    assert isinstance(first, NotLiquidatedError), repr(first)
    assert isinstance(second, NotLiquidatedError), repr(second)
    assert len(fake.placed) >= 1, "the second send was acted on late"
    clock.advance(300.0)
    assert not fake.crossed_zero, f"the position flipped: {fake.position(ACCOUNT, CONTRACT)}"
    assert posts(fake) == 2, f"the third call sent again while our order works: {third!r}"
    assert isinstance(third, LiquidationResult)
    assert third.order_id == fake.placed[0].order_id

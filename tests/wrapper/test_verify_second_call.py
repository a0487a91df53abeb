"""A second liquidate_position after a Success still cancels working orders."""

from __future__ import annotations

from typing import Any

from tradovate_liquidate.testing import FakeTradovate

from ..harness import Harness

ACCOUNT, CONTRACT = 100_001, 3_570_918


def test_a_second_call_after_a_success_cancels_a_new_working_order(
    harness: Harness,
) -> None:
    """liquidate_position's docstring: "Cancel the account's working orders on the
    contract and close the position." The first call's Success (with its orderId) leaves
    the target pending ("answered"); the second call's pending check finds that order
    filled and nothing of ours working: the entry is settled and the call sends, which
    cancels the working order placed in between (a strategy still running). Returning
    the old result would leave it to open a new position after "flat"."""
    fake = FakeTradovate()
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    kwargs = {"token": fake.issue_token(), "transport": fake.transport()}

    def twice(client: Any) -> Any:
        async def run() -> Any:
            await client.liquidate_position(ACCOUNT, CONTRACT)
            fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Buy")
            return await client.liquidate_position(ACCOUNT, CONTRACT)

        if harness.kind == "async":
            return run()
        client.liquidate_position(ACCOUNT, CONTRACT)
        fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Buy")
        return client.liquidate_position(ACCOUNT, CONTRACT)

    second = harness.run(kwargs, twice)
    assert sum(r.method == "POST" for r in fake.requests) == 2
    assert fake.position(ACCOUNT, CONTRACT) == 0
    posts = [r for r in fake.requests if r.method == "POST"]
    assert fake.working_orders(ACCOUNT, CONTRACT) == [], (
        f"the new working order survived the second call ({len(posts)} POSTs; it returned "
        f"{second!r})"
    )

"""review16: a position pending on the client (an earlier send whose closing order is
still working) is read before anything is sent again, by liquidate_position and by
liquidate_accounts per-position; method="bulk" sends /order/liquidatepositions for it
blind, and records nothing as pending after its own uncertain send."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate.testing import Fault, FakeTradovate

from ..harness import Harness

ES = 3570918


def liquidations(fake: FakeTradovate) -> int:
    return sum(r.method == "POST" and "/order/liquidateposition" in r.path for r in fake.requests)


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_a_pending_position_is_not_sent_again_blind(harness: Harness, method: str) -> None:
    fake = FakeTradovate(fill_mode="never")  # our closing order stays working
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    kwargs: dict[str, Any] = {"token": fake.issue_token(), "transport": fake.transport()}

    async def both_async(client: Any) -> None:
        fake.inject(Fault.drop_connection())  # acted, answer lost: verified, pending
        await client.liquidate_position(1, ES)
        await client.liquidate_accounts([1], method=method, confirm=False)

    def both_sync(client: Any) -> None:
        fake.inject(Fault.drop_connection())
        client.liquidate_position(1, ES)
        client.liquidate_accounts([1], method=method, confirm=False)

    harness.run(kwargs, both_sync if harness.kind == "sync" else both_async)
    # The first liquidation only: the second call finds our order working and sends none.
    assert liquidations(fake) == 1, [r.path for r in fake.requests]

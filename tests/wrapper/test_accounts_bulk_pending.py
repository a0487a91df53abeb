"""A position pending on the client (an earlier send whose closing order is still
working) is read before anything is sent again, with method="bulk" too (it goes by the
per-position protocol); and a bulk request leaves the positions it did not see flat
pending, with its time and customTag50, so a later call reads before sending."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate._outcome import INTERNAL_TAG_PREFIX
from tradovate_liquidate.testing import FakeTradovate, Fault

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


def test_a_bulk_send_not_seen_flat_stays_pending_with_its_tag(harness: Harness) -> None:
    fake = FakeTradovate(fill_mode="never")  # the bulk's closing order stays working
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    kwargs: dict[str, Any] = {
        "token": fake.issue_token(),
        "transport": fake.transport(),
        "settle_timeout": 0,
    }
    seen: dict[str, Any] = {}

    async def both_async(client: Any) -> None:
        await client.liquidate_accounts([1], method="bulk", confirm=False)
        seen["pending"] = client._pending.get((1, ES))
        seen["second"] = await client.liquidate_position(1, ES)

    def both_sync(client: Any) -> None:
        client.liquidate_accounts([1], method="bulk", confirm=False)
        seen["pending"] = client._pending.get((1, ES))
        seen["second"] = client.liquidate_position(1, ES)

    harness.run(kwargs, both_sync if harness.kind == "sync" else both_async)
    (bulk,) = [r for r in fake.requests if r.path.endswith("/order/liquidatepositions")]
    tag = bulk.json()["customTag50"]
    assert tag.startswith(INTERNAL_TAG_PREFIX)
    assert seen["pending"] is not None
    assert seen["pending"].tags == (tag,)
    assert liquidations(fake) == 1  # the later call found the bulk's order: sent nothing
    assert seen["second"].order_id == fake.placed[0].order_id


def test_a_caller_tag_is_the_bulk_tag(harness: Harness) -> None:
    fake = FakeTradovate()
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    kwargs: dict[str, Any] = {"token": fake.issue_token(), "transport": fake.transport()}
    run = harness.run(
        kwargs, lambda client: client.liquidate_accounts([1], method="bulk", custom_tag="mine")
    )
    (bulk,) = [r for r in fake.requests if r.path.endswith("/order/liquidatepositions")]
    assert bulk.json()["customTag50"] == "mine"
    assert run[0].flat is True


def test_a_bulk_run_reads_the_pending_file_per_chunk_not_per_position(
    harness: Harness, tmp_path: Path, state_file_loads: list[None]
) -> None:
    """Each look at the state file locks it and reads it whole: once per position (a
    pending check and a clear for each) made a 300-position run read it 900 times."""
    fake = FakeTradovate()
    accounts = list(range(1, 301))
    fake.add_positions([(account, ES, 2) for account in accounts])
    kwargs: dict[str, Any] = {
        "token": fake.issue_token(),
        "transport": fake.transport(),
        "pending_file": tmp_path / "pending.json",
    }
    run = harness.run(kwargs, lambda client: client.liquidate_accounts(accounts, method="bulk"))
    assert all(result.flat for result in run)
    # the client's own load; per read chunk, its pending check; per bulk request, its
    # check under the locks and its positions made pending before it goes; the run's end
    assert len(state_file_loads) <= 1 + 3 + 3 * 2 + 1

"""liquidate_accounts' request budget (issue 16): counted at the fake, on both clients.

Not timed (wall time belongs to `make bench`, tools/bench/accounts.py): these are the
counts the README's formulas promise, against the naive way (one GET /position/deps per
account, then one liquidateposition per open position).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from tradovate_liquidate import LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate, ManualClock

from .conftest import Harness

ES, NQ = 3570918, 3570919
OPEN, FLAT = 250, 40  # accounts with 2 open positions, accounts with none
FIRST = 300_001
#: open and flat accounts interleaved, so every read of 100 accounts holds both kinds
OPEN_IDS = [FIRST + 2 * i for i in range(OPEN)]
FLAT_IDS = [FIRST + 2 * i + 1 for i in range(FLAT)]
ACCOUNTS = sorted(OPEN_IDS + FLAT_IDS)
POSITIONS = 2 * OPEN


def budget(method: str) -> int:
    """The README's formulas, every answer clean and every closing order filled at once."""
    reads = 1 + math.ceil(len(ACCOUNTS) / 100)  # /account/list, then ldeps by 100 accounts
    settle = math.ceil(OPEN / 100)  # ldeps of the accounts that held a position
    if method == "per-position":
        return reads + POSITIONS + settle
    if method == "bulk":
        return reads + math.ceil(POSITIONS / 100) + settle
    return len(ACCOUNTS) + POSITIONS  # naive


def seeded() -> FakeTradovate:
    fake = FakeTradovate(clock=ManualClock().time)
    fake.add_positions([(a, ES, 2) for a in OPEN_IDS] + [(a, NQ, -1) for a in OPEN_IDS])
    fake.add_positions([(a, ES, 0) for a in FLAT_IDS])  # a row closed earlier in the day
    return fake


@pytest.fixture
def fake() -> FakeTradovate:
    return seeded()


def on(fake: FakeTradovate) -> dict[str, Any]:
    return {"token": fake.issue_token(), "transport": fake.transport()}


def sent(fake: FakeTradovate) -> Counter[str]:
    return Counter(f"{r.method} {r.path.removeprefix('/v1')}" for r in fake.requests)


def all_flat_at_the_fake(fake: FakeTradovate) -> bool:
    return all(fake.position(a, c) == 0 for a in ACCOUNTS for c in (ES, NQ))


def naive(client: Any) -> Any:
    """One /position/deps per account, then liquidate_many over every open position."""
    if isinstance(client, LiquidationClient):
        rows = [client.positions(account) for account in ACCOUNTS]
        pairs = [(p.account_id, p.contract_id) for r in rows for p in r if p.net_pos]
        return client.liquidate_many(pairs)

    async def run() -> Any:
        rows = [await client.positions(account) for account in ACCOUNTS]
        pairs = [(p.account_id, p.contract_id) for r in rows for p in r if p.net_pos]
        return await client.liquidate_many(pairs)

    return run()


def test_the_naive_way_costs_a_read_per_account_and_a_post_per_position(
    harness: Harness, fake: FakeTradovate
) -> None:
    outcomes = harness.run(on(fake), naive)
    assert len(outcomes) == POSITIONS
    assert all(isinstance(o, LiquidationResult) for o in outcomes)
    assert all_flat_at_the_fake(fake)
    assert sum(sent(fake).values()) == budget("naive")


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_each_method_costs_its_formula_and_reports_what_the_fake_received(
    harness: Harness, fake: FakeTradovate, method: str
) -> None:
    run = harness.run(on(fake), lambda client: client.liquidate_accounts(ACCOUNTS, method=method))
    assert all(result.flat for result in run)
    assert all_flat_at_the_fake(fake)  # no budget is met by leaving positions open
    assert run.requests == sent(fake)  # the reported budget is what the server received
    assert sum(sent(fake).values()) == budget(method)
    if method == "per-position":
        assert sent(fake)["POST /order/liquidateposition"] == POSITIONS
    else:
        assert sent(fake)["POST /order/liquidatepositions"] == math.ceil(POSITIONS / 100)


def test_bulk_sends_at_most_a_twentieth_of_the_naive_requests(
    harness: Harness, fake: FakeTradovate
) -> None:
    run = harness.run(on(fake), lambda client: client.liquidate_accounts(ACCOUNTS, method="bulk"))
    bulk = sum(sent(fake).values())
    assert all(result.flat for result in run)
    other = seeded()
    harness.run(on(other), naive)
    assert all_flat_at_the_fake(other)
    assert bulk * 20 <= sum(sent(other).values())

"""Positions read flat at the end of
liquidate_account / liquidate_accounts stay pending: reading 0 does not show our closing
order done (a review's cases; each failed before its fix)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tradovate_liquidate import LiquidationResult
from tradovate_liquidate._pending import PendingTargets
from tradovate_liquidate.testing import FakeTradovate, ManualClock

from ..harness import Harness
from .conftest import ACCOUNT, CONTRACT, exit_fills_first


def posts(fake: FakeTradovate) -> list[str]:
    return [r.path for r in fake.requests if r.method == "POST"]


def test_liquidate_account_keeps_pending_a_closing_order_that_still_works(
    harness: Harness,
) -> None:
    """Safety rule: a target whose outcome the server has not confirmed stays pending
    until it has. flat_steps (_verify.py) says it plainly: "a position at 0 with our
    order still working is not flat: that order would open a position the other way".
    liquidate_account's account-level read sees only netPos 0, and _settled now clears
    the pending entry of our still-working closing order and calls it flat=True. A
    later liquidate_position then sends a second closing order blind instead of finding
    ours still working (as it does when the entry is kept)."""
    fake, clock = exit_fills_first()
    kwargs = {"token": fake.issue_token(), "transport": fake.transport(), "clock": clock}
    working: list[list[int]] = []
    account, _, again = harness.in_order(
        kwargs,
        lambda client: client.liquidate_account(ACCOUNT),
        lambda _client: working.append(fake.working_orders(ACCOUNT, CONTRACT)),
        lambda client: client.liquidate_position(ACCOUNT, CONTRACT),
    )
    ours = fake.placed[0].order_id
    assert working == [[ours]]  # after liquidate_account: still working, never filled
    (outcome,) = account.positions
    assert isinstance(outcome, LiquidationResult)
    # `flat` is the position as last read (README), as liquidate_accounts gives it; the
    # entry kept pending is what stops a second closing order below.
    assert isinstance(again, LiquidationResult)
    assert posts(fake) == ["/v1/order/liquidateposition"], (
        "pending cleared: the second call sent another liquidation instead of "
        f"returning our working order {ours}"
    )


def test_liquidate_accounts_keeps_pending_a_closing_order_that_still_works(
    harness: Harness,
) -> None:
    """The same for liquidate_accounts (per-position, confirm=True): _keep_bulk_pending
    now clears every answered one-by-one outcome whose position the settling read shows
    at 0, whether or not our order still works."""
    fake, clock = exit_fills_first()
    kwargs = {"token": fake.issue_token(), "transport": fake.transport(), "clock": clock}
    working: list[list[int]] = []
    _run, _, _again = harness.in_order(
        kwargs,
        lambda client: client.liquidate_accounts([ACCOUNT]),
        lambda _client: working.append(fake.working_orders(ACCOUNT, CONTRACT)),
        lambda client: client.liquidate_position(ACCOUNT, CONTRACT),
    )
    ours = fake.placed[0].order_id
    assert working == [[ours]]  # after liquidate_accounts: still working, never filled
    assert posts(fake) == ["/v1/order/liquidateposition"], (
        "pending cleared: the second call sent another liquidation instead of "
        f"returning our working order {ours}"
    )


class OtherProcessSendsAt(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport; just before the n-th GET /position/deps reaches the server,
    another process sharing the pending file records its own send of the same target,
    whose outcome it does not know (a timeout: no order id)."""

    def __init__(self, fake: FakeTradovate, path: Path, n: int) -> None:
        self.inner, self.path, self.n, self.seen = fake.transport(), path, n, 0

    def _hook(self, request: httpx.Request) -> None:
        if request.method == "GET" and request.url.path.endswith("/position/deps"):
            self.seen += 1
            if self.seen == self.n:
                other = PendingTargets(self.path)
                other.add((ACCOUNT, CONTRACT), 1_800_000_000.0, None, "tl-other-process")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._hook(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._hook(request)
        return await self.inner.handle_async_request(request)


def test_liquidate_account_keeps_another_process_unknown_outcome_pending(
    harness: Harness, tmp_path: Path
) -> None:
    """_pending.py: processes sharing the state file "never lose each other's entries",
    and an unknown outcome stays pending until the server settled it. liquidate_account
    answered Success for its own order; while it waits for the account to read flat,
    another process's send of the same target times out (entry without order id, its
    own tag). At the end _settled clears the key whole: the other process's unknown
    outcome is dropped although nothing read its orders (before the change the entry
    was kept: this call only clears what its own verification settled)."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, fill_delay=1.0)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    path = tmp_path / "pending.json"
    transport = OtherProcessSendsAt(fake, path, 2)  # the first read after the send
    kwargs = {
        "token": fake.issue_token(),
        "transport": transport,
        "clock": clock,
        "pending_file": path,
    }
    account = harness.run(kwargs, lambda client: client.liquidate_account(ACCOUNT))
    assert account.flat is True
    assert transport.seen >= 2
    entry = PendingTargets(path).get((ACCOUNT, CONTRACT))
    assert entry is not None, "the other process's unknown outcome was cleared unread"
    assert "tl-other-process" in entry.tags

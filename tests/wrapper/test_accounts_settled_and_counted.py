"""liquidate_account / liquidate_accounts: sign-ins counted in `requests`, a failed orders
read that still flattens, positions read flat say so (flat=True).

A review's cases: each failed before its fix, for the reason its docstring gives.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tradovate_liquidate import Credentials, TradovateError
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from ..harness import Harness
from .transports import FailingOrderReads

ES, NQ, GC = 3570918, 3570919, 3570921
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"


def sent(fake: FakeTradovate) -> Counter[str]:
    return Counter(f"{r.method} {r.path.removeprefix('/v1')}" for r in fake.requests)


def test_run_requests_counts_the_sign_in_it_sent(harness: Harness) -> None:
    """Issue point 3 / README: `run.requests` "counts every try, penalty resend, sign-in";
    AccountsRun's docstring: "every sign-in". A client with credentials signs in during
    the run (POST /auth/accesstokenrequest reaches the server), yet the sign-in is run
    as a Fly step, driven by a nested _drive that the `counted` wrapper never sees, so
    the summary leaves out the one request kind whose budget is smallest (~5 an hour)."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_positions(f"1:{ES}:2,2:{ES}:1")
    creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)
    kwargs = {"credentials": creds, "transport": fake.transport(), "clock": clock}
    run = harness.run(kwargs, lambda client: client.liquidate_accounts([1, 2]))
    assert all(result.flat for result in run)
    assert sent(fake)["POST /auth/accesstokenrequest"] == 1  # it did reach the server
    assert run.requests == sent(fake), "run.requests is not what the server received"


def test_liquidate_account_still_flattens_when_the_order_read_fails(harness: Harness) -> None:
    """Issue point 1: liquidate_account raises only for errors that stop the whole
    account (authentication, lockout, the first read failing). The positions were read;
    a failed read of the working orders (only needed for the stray cancels) should not
    leave them open: liquidate_accounts flattens them in that case and keeps the read's
    error in cancel_errors (README "When the orders cannot be read, the positions are
    still flattened"). liquidate_account instead raises ReadFailedError before sending
    anything, and its account_result even drops the positions it read (net_before {})."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time)
    fake.add_positions(f"1:{ES}:2,1:{NQ}:-1")
    kwargs = {
        "token": fake.issue_token(),
        "transport": FailingOrderReads(fake, "/order/deps"),
        "clock": clock,
    }
    try:
        result = harness.run(kwargs, lambda client: client.liquidate_account(1))
    except TradovateError as exc:
        kept = getattr(exc, "account_result", None)
        pytest.fail(
            f"raised {type(exc).__name__} for a failed order read; positions left open "
            f"(ES {fake.position(1, ES)}, NQ {fake.position(1, NQ)}); account_result={kept}"
        )
    assert (fake.position(1, ES), fake.position(1, NQ)) == (0, 0)
    assert result.net_before == {ES: 2, NQ: -1}
    assert result.cancel_errors  # the read's error is kept, as liquidate_accounts does


def test_liquidate_account_positions_say_flat_once_the_account_read_flat(
    harness: Harness,
) -> None:
    """README: a LiquidationResult's `flat` is "the position as last read; None when
    nothing was read". liquidate_accounts(confirm=True) sets it from its settling read
    (flat=True); liquidate_account(confirm=True) read every position as 0 too, but
    returns its positions with flat=None, as if nothing had been read."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time)
    fake.add_positions(f"1:{ES}:2,2:{ES}:2")
    kwargs = {"token": fake.issue_token(), "transport": fake.transport(), "clock": clock}
    one, many = harness.in_order(
        kwargs,
        lambda client: client.liquidate_account(1),
        lambda client: client.liquidate_accounts([2]),
    )
    assert one.flat is True
    assert many[0].flat is True
    assert [o.flat for o in many[0].positions] == [True]
    assert [o.flat for o in one.positions] == [True]

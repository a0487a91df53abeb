"""Which exit code wins when several apply (4 over 5, 5 over 3, 3 over 1), for positions
and whole accounts; and a run stopped by an error loses nothing already obtained."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import pytest

from tradovate_liquidate import (
    AuthenticationError,
    LiquidationRejected,
    LiquidationResult,
    OutcomeUnknownError,
    RateLimitError,
)
from tradovate_liquidate._account import AccountResult
from tradovate_liquidate._accounts import AccountsRun
from tradovate_liquidate._cli_accounts import _flatten
from tradovate_liquidate._cli_output import (
    EXIT_AUTH_OR_RATE,
    EXIT_NOT_FLAT,
    EXIT_NOT_LIQUIDATED,
    EXIT_OK,
    EXIT_UNKNOWN,
    _worst,
)
from tradovate_liquidate._cli_report import account_code, accounts_report

ES, NQ = 3570918, 3570920


@pytest.mark.parametrize(
    ("codes", "wins"),
    [
        ((EXIT_UNKNOWN, EXIT_NOT_FLAT), EXIT_UNKNOWN),
        ((EXIT_NOT_FLAT, EXIT_AUTH_OR_RATE), EXIT_NOT_FLAT),
        ((EXIT_AUTH_OR_RATE, EXIT_NOT_LIQUIDATED), EXIT_AUTH_OR_RATE),
        ((EXIT_NOT_LIQUIDATED, EXIT_OK), EXIT_NOT_LIQUIDATED),
    ],
)
def test_the_worse_of_each_pair_wins_in_either_order(codes: tuple[int, int], wins: int) -> None:
    assert _worst(codes) == _worst(reversed(codes)) == wins


def sent(contract: int, order_id: int = 77) -> LiquidationResult:
    return LiquidationResult(100001, contract, order_id, {}, verified=True, flat=False)


def closed() -> LiquidationRejected:
    return LiquidationRejected(
        "no", reason="AccountClosed", text=None, order_id=None, raw={}, account_id=100001
    )


def test_unknown_over_not_flat_within_an_account() -> None:
    unknown = OutcomeUnknownError("lost", account_id=100001, contract_id=NQ)
    result = AccountResult(100001, [sent(ES), unknown], flat=False, net_before={ES: 1, NQ: 1})
    assert account_code(result) == EXIT_UNKNOWN


def test_not_flat_over_an_authentication_stop() -> None:
    stop = AuthenticationError("session closed", account_id=100001)
    result = AccountResult(100001, [sent(ES)], False, {ES: 1, NQ: 1}, error=stop)
    assert account_code(result) == EXIT_NOT_FLAT


def test_a_rate_limit_over_a_rejection() -> None:
    rejected = closed()
    stop = RateLimitError("locked out", account_id=100001)
    result = AccountResult(100001, [rejected], False, {ES: 1, NQ: 1}, error=stop)
    assert account_code(result) == EXIT_AUTH_OR_RATE


def test_nothing_sent_and_nothing_open_is_0_and_a_rejection_alone_is_1() -> None:
    assert account_code(AccountResult(100003, flat=True)) == EXIT_OK
    rejected = closed()
    assert account_code(AccountResult(100001, [rejected], False, {ES: 1})) == EXIT_NOT_LIQUIDATED


def test_the_worst_account_decides_the_run() -> None:
    stop = RateLimitError("locked out", account_id=100002)
    not_flat = AccountResult(100001, [sent(ES)], False, {ES: 1})
    stopped = AccountResult(100002, error=stop)
    report = accounts_report([stopped, not_flat], {}, "host:443")
    assert report.code == EXIT_NOT_FLAT


class StoppedClient:
    """liquidate_accounts stops with an authentication error after one order was placed."""

    def __init__(self) -> None:
        self.reads = 0

    def liquidate_accounts(self, ids: list[int], **options: Any) -> AccountsRun:
        stop = AuthenticationError("the session was closed (408)", account_id=100001)
        so_far = AccountResult(100001, [sent(ES, 4242)], False, {ES: 2, NQ: -1}, error=stop)
        stop.accounts_result = AccountsRun([so_far], Counter())  # type: ignore[attr-defined]
        raise stop

    def _drive(self, *args: Any) -> Any:
        self.reads += 1
        raise AssertionError("no read after a run stopped by authentication")


def test_a_stopped_run_keeps_every_order_id_and_reads_nothing_more() -> None:
    args = argparse.Namespace(
        json=True, quiet=False, concurrency=8, method=None, admin=False, tag=None, manual=False
    )
    client = StoppedClient()
    report = _flatten(client, args, [100001], "host:443")  # type: ignore[arg-type]
    es, nq = report.rows
    assert (es["contract_id"], es["order_id"], es["net_before"]) == (ES, 4242, 2)
    assert nq["contract_id"] == NQ
    assert nq["outcome"] == "not sent: not authenticated"
    assert "the session was closed" in nq["detail"]
    assert report.code == EXIT_NOT_FLAT  # something was sent and is not flat: 5 over 3
    assert client.reads == 0

"""A stray working order that fills before its cancel arrives opens a position: after
any cancel the account is read again, so it is not reported flat, and the position is
reported (`opened`, exit 5 in the command), not liquidated."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate._cli_output import EXIT_NOT_FLAT
from tradovate_liquidate._cli_report import OPENED, accounts_report
from tradovate_liquidate.testing import FakeTradovate

from ..harness import Harness

CL = 3570920


class FillBeforeCancel(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Just before the server sees a cancel, the working order fills (the market moved)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.fake, self.inner = fake, fake.transport()

    def _fill(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/order/cancelorder"):
            with self.fake._lock:  # test-only: the fake has no public "fill this order now"
                book = self.fake._book
                for order in list(book.live.values()):
                    order.fate, order.done_at = "fill", book.clock()
                book.advance(book.clock())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._fill(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._fill(request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.add_position(account_id=1, contract_id=CL, net_pos=0)  # a row, flat
    fake.add_working_order(account_id=1, contract_id=CL, side="Buy", qty=1)
    return fake


def kwargs(fake: FakeTradovate) -> dict[str, Any]:
    return {"token": fake.issue_token(), "transport": FillBeforeCancel(fake)}


def test_liquidate_account_is_not_flat_when_a_stray_filled(
    harness: Harness, fake: FakeTradovate
) -> None:
    result = harness.run(kwargs(fake), lambda client: client.liquidate_account(1))
    assert fake.position(1, CL) == 1  # the stray filled: the account holds 1
    assert result.flat is False, result
    assert result.opened == {CL: 1}


def test_liquidate_accounts_is_not_flat_when_a_stray_filled(
    harness: Harness, fake: FakeTradovate
) -> None:
    run = harness.run(kwargs(fake), lambda client: client.liquidate_accounts([1]))
    assert fake.position(1, CL) == 1
    assert run[0].flat is False, run[0]
    assert run[0].opened == {CL: 1}
    report = accounts_report(run, {}, "fake")
    assert report.code == EXIT_NOT_FLAT
    assert [r["outcome"] for r in report.rows if r["contract_id"] == CL] == [OPENED]


def test_a_cancel_that_fills_nothing_leaves_the_account_flat(harness: Harness) -> None:
    fake = FakeTradovate()
    fake.add_position(account_id=1, contract_id=CL, net_pos=0)
    fake.add_working_order(account_id=1, contract_id=CL, side="Buy", qty=1)
    kwargs = {"token": fake.issue_token(), "transport": fake.transport()}
    run = harness.run(kwargs, lambda client: client.liquidate_accounts([1]))
    assert (run[0].flat, run[0].opened, len(run[0].cancelled)) == (True, {}, 1)
    reads = [r.path for r in fake.requests if r.path.endswith("/position/ldeps")]
    assert len(reads) == 2  # the first read, and the one after the cancel

"""review16: a stray working order that fills before its cancel arrives opens a position;
an account that held nothing open at the first read is then reported flat=True without
being read again ("flat: True only when every position was read as 0 at the end")."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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


def test_liquidate_accounts_is_not_flat_when_a_stray_filled(
    harness: Harness, fake: FakeTradovate
) -> None:
    run = harness.run(kwargs(fake), lambda client: client.liquidate_accounts([1]))
    assert fake.position(1, CL) == 1
    assert run[0].flat is False, run[0]

"""A 423 lockout answering the liquidation itself says "Nothing was done"
(README fault table: 423 -> RateLimitError, exit 3, the same as 429). Whole-account
calls must not turn it into "the closing order was sent but its outcome is unknown"
(exit 4), as an earlier whole-account wrapper did when it knew 429 but not 423."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import OutcomeUnknownError, RateLimitError
from tradovate_liquidate._cli_report import accounts_report
from tradovate_liquidate.testing import FakeTradovate

from .conftest import Harness

ES = 3570918


class LockedLiquidation(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, answering every liquidation with `status` (nothing done)."""

    def __init__(self, fake: FakeTradovate, status: int) -> None:
        self.inner, self.status = fake.transport(), status

    def _refused(self, request: httpx.Request) -> bool:
        return request.url.path.endswith("/order/liquidateposition")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._refused(request):
            return httpx.Response(self.status, request=request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._refused(request):
            return httpx.Response(self.status, request=request)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("status", [429, 423])
@pytest.mark.parametrize("call", ["account", "accounts"])
def test_a_423_on_the_liquidation_is_not_reported_sent(
    harness: Harness, status: int, call: str
) -> None:
    fake = FakeTradovate()
    fake.add_position(account_id=1, contract_id=ES, net_pos=2)
    kwargs: dict[str, Any] = {
        "token": fake.issue_token(),
        "transport": LockedLiquidation(fake, status),
    }

    def run(client: Any) -> Any:
        if call == "account":
            return client.liquidate_account(1)
        return client.liquidate_accounts([1])

    with pytest.raises(RateLimitError) as caught:
        harness.run(kwargs, run)
    assert not fake.placed  # nothing was done: the liquidation never reached the book
    error = caught.value
    result = error.account_result if call == "account" else error.accounts_result[0]
    unknown = [o for o in result.positions if isinstance(o, OutcomeUnknownError)]
    assert not unknown, f"{status} (nothing was done) reported as sent: {unknown[0].message}"
    if call == "accounts":
        report = accounts_report(caught.value.accounts_result, {}, "fake")
        assert report.code == 3, f"exit {report.code} for a {status} lockout"

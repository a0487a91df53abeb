"""An account the positions read returned rows for, yet missing from GET /account/list
(a shared or view-only account, a server that does not filter masterids), is never
reported flat: issue 16 says "An account id the token cannot see is an error, never
reported as flat". Its liquidations do not wait for the list; its verdict does.
"""

from __future__ import annotations

import json

import httpx

from tradovate_liquidate.testing import FakeTradovate

from ..harness import Harness

ES = 3570918
SEEN, HIDDEN = 430_001, 430_002


class HideFromList(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, leaving HIDDEN out of GET /account/list (ldeps unchanged)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()

    def _filter(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if not request.url.path.endswith("/account/list"):
            return response
        rows = [row for row in json.loads(response.content) if row["id"] != HIDDEN]
        return httpx.Response(200, json=rows, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return self._filter(request, response)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return self._filter(request, response)


def test_an_account_missing_from_the_account_list_is_never_reported_flat(
    harness: Harness,
) -> None:
    fake = FakeTradovate()
    fake.add_position(account_id=SEEN, contract_id=ES, net_pos=1)
    fake.add_position(account_id=HIDDEN, contract_id=ES, net_pos=0)  # a flat row
    kwargs = {"token": fake.issue_token(), "transport": HideFromList(fake), "connect_backoff": 0}
    run = harness.run(kwargs, lambda client: client.liquidate_accounts([SEEN, HIDDEN]))
    assert run[0].flat is True
    assert run[1].flat is not True, "an account not in /account/list was reported flat"
    assert run[1].error is not None

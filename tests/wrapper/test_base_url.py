"""The per-path URL cache (ClientBase._url) against a changed base_url."""

from __future__ import annotations

from typing import Any

import httpx

from tradovate_liquidate.testing import FakeTradovate

from ..harness import Harness

ACCOUNT, CONTRACT = 100_001, 3_570_918


class Hosts(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.hosts: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append((request.method, request.url.host))
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append((request.method, request.url.host))
        return await self.inner.handle_async_request(request)


def test_a_changed_base_url_is_used_for_every_path_or_refused(harness: Harness) -> None:
    """`base_url` is a public attribute (shown by repr). Setting it sends every later
    request there: the URL cache is keyed by the whole URL, so a path already used does
    not keep the old host (the liquidation and its reads would reach different servers)."""
    fake = FakeTradovate()
    for contract in (CONTRACT, CONTRACT + 1):
        fake.add_position(account_id=ACCOUNT, contract_id=contract, net_pos=1)
    transport = Hosts(fake)
    kwargs = {
        "token": fake.issue_token(),
        "transport": transport,
        "base_url": "https://old.example.com/v1",
    }

    def use(client: Any) -> Any:
        async def run() -> Any:
            await client.liquidate_position(ACCOUNT, CONTRACT)
            client.base_url = "https://new.example.com/v1"
            await client.liquidate_position(ACCOUNT, CONTRACT + 1)
            await client.positions(ACCOUNT)
            return repr(client)

        if harness.kind == "async":
            return run()
        client.liquidate_position(ACCOUNT, CONTRACT)
        client.base_url = "https://new.example.com/v1"
        client.liquidate_position(ACCOUNT, CONTRACT + 1)
        client.positions(ACCOUNT)
        return repr(client)

    try:
        shown = harness.run(kwargs, use)
    except AttributeError:
        return  # a read-only base_url is a fine answer too
    after = transport.hosts[1:]
    assert "new.example.com" in shown
    assert after == [(m, "new.example.com") for m, _ in after], transport.hosts

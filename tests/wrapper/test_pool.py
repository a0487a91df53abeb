"""The clients' own connection pools: warm connections reused, bounded, always given back."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tradovate_liquidate import LiquidationClient, OutcomeUnknownError
from tradovate_liquidate._async_pool import AsyncPooledTransport
from tradovate_liquidate._pool import PooledTransport
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault

from .conftest import Harness

# What an answer alone means: these clients do not verify (see tests/conftest.py).
pytestmark = pytest.mark.answer_only


@pytest.fixture
def book() -> FakeTradovate:
    return FakeTradovate(open_book=True)


@pytest.fixture
def server(book: FakeTradovate) -> Iterator[FakeServer]:
    with book.serve() as server:
        yield server


def test_sequential_calls_keep_one_connection(
    harness: Harness, book: FakeTradovate, server: FakeServer
) -> None:
    token = book.issue_token()

    def many(client: Any) -> Any:
        if harness.kind == "sync":
            return [client.liquidate_position(account, 1) for account in range(1, 201)]

        async def calls() -> list[Any]:
            return [await client.liquidate_position(account, 1) for account in range(1, 201)]

        return calls()

    results = harness.run({"token": token, "base_url": server.base_url}, many)
    assert len(results) == 200
    assert server.connections_accepted == 1


def test_a_batch_opens_at_most_its_concurrency_and_closes_them_all(
    harness: Harness, book: FakeTradovate, server: FakeServer
) -> None:
    book.latency = 0.01
    token = book.issue_token()
    outcomes = harness.run(
        {"token": token, "base_url": server.base_url},
        lambda client: client.liquidate_many(
            [(account, 1) for account in range(1, 101)], concurrency=10
        ),
    )
    assert len(outcomes) == 100
    assert server.connections_accepted <= 10
    assert _eventually(lambda: server.open_connections == 0), (
        "closing the client closes its connections"
    )


def test_a_failed_request_gives_its_connection_back(
    book: FakeTradovate, server: FakeServer
) -> None:
    token = book.issue_token()
    book.inject(Fault.drop_connection())
    http = httpx.Client(transport=PooledTransport(max_connections=1))
    client = LiquidationClient(
        token, base_url=server.base_url, http_client=http, verify_outcome=False
    )
    with http, client:
        with pytest.raises(OutcomeUnknownError):
            client.liquidate_position(1, 1)
        assert client.liquidate_position(2, 1).order_id is not None  # would block forever otherwise


def test_the_sync_pool_never_exceeds_its_bound(book: FakeTradovate, server: FakeServer) -> None:
    book.latency = 0.02
    token = book.issue_token()
    http = httpx.Client(transport=PooledTransport(max_connections=2))
    with LiquidationClient(token, base_url=server.base_url, http_client=http) as client:
        threads = [
            threading.Thread(target=client.liquidate_position, args=(account, 1))
            for account in range(1, 9)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    http.close()
    assert len(book.placed) == 8
    assert server.connections_accepted == 2


def test_the_async_pool_never_exceeds_its_bound(book: FakeTradovate, server: FakeServer) -> None:
    from tradovate_liquidate import AsyncLiquidationClient

    book.latency = 0.02
    token = book.issue_token()

    async def main() -> None:
        http = httpx.AsyncClient(transport=AsyncPooledTransport(max_connections=2))
        async with AsyncLiquidationClient(
            token, base_url=server.base_url, http_client=http
        ) as client:
            await asyncio.gather(
                *(client.liquidate_position(account, 1) for account in range(1, 9))
            )
        await http.aclose()

    asyncio.run(main())
    assert len(book.placed) == 8
    assert server.connections_accepted == 2


def _eventually(condition: Any, seconds: float = 2.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


def test_one_ssl_context_however_many_threads_open_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loading the CA bundle costs about 30 ms: a batch's threads must not each do it."""
    from tradovate_liquidate import _pool

    made: list[int] = []
    real = httpx.create_ssl_context

    def counting(**kwargs: Any) -> Any:
        made.append(1)
        return real(**kwargs)

    monkeypatch.setattr(_pool.httpx, "create_ssl_context", counting)
    connections = _pool.Connections(verify=True)
    start = threading.Barrier(20)

    def open_one() -> None:
        start.wait()
        connections.options()

    threads = [threading.Thread(target=open_one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1]

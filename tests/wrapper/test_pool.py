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


def test_one_ssl_context_built_with_the_client_and_shared_by_its_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loading the CA bundle costs about 30 ms: it is done once, when a client is built."""
    from tradovate_liquidate import _http11

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    made: list[int] = []
    real = httpx.create_ssl_context

    def counting(**kwargs: Any) -> Any:
        made.append(1)
        return real(**kwargs)

    monkeypatch.setattr(_http11.httpx, "create_ssl_context", counting)
    _http11._default_context.cache_clear()
    first, second = PooledTransport(), AsyncPooledTransport()
    assert made == [1]
    assert first._ssl is second._ssl
    first.close()
    _http11._default_context.cache_clear()  # not to leave the counting one behind


URL = "/order/liquidateposition"


def _body(account: int) -> dict[str, Any]:
    return {"accountId": account, "contractId": 1, "admin": False}


def test_a_cancelled_waiter_passes_a_freed_connection_on(
    book: FakeTradovate, server: FakeServer
) -> None:
    """Two callers wait for the one connection; the first is cancelled right after it was
    freed. The second must get it (it used to wait forever while the connection sat free)."""
    headers = {"Authorization": f"Bearer {book.issue_token()}"}

    async def main() -> int:
        transport = AsyncPooledTransport(max_connections=1)
        async with httpx.AsyncClient(
            transport=transport, base_url=server.base_url, headers=headers
        ) as http:
            holder = await http.send(http.build_request("POST", URL, json=_body(1)), stream=True)
            first = asyncio.create_task(http.post(URL, json=_body(2)))
            second = asyncio.create_task(http.post(URL, json=_body(3)))
            await asyncio.sleep(0.2)  # both wait for the connection
            await holder.aclose()  # frees it: the first waiter is woken ...
            first.cancel()  # ... and cancelled before it runs
            answer = await asyncio.wait_for(second, timeout=5)
            with pytest.raises(asyncio.CancelledError):
                await first
            return answer.status_code

    assert asyncio.run(main()) == 200
    assert [request.body for request in book.requests][
        -1
    ] == b'{"accountId":3,"contractId":1,"admin":false}'


def test_the_sync_pool_raises_pool_timeout_when_every_connection_is_busy(
    book: FakeTradovate, server: FakeServer
) -> None:
    headers = {"Authorization": f"Bearer {book.issue_token()}"}
    outcome: list[BaseException | int] = []
    with httpx.Client(
        transport=PooledTransport(max_connections=1), base_url=server.base_url, headers=headers
    ) as http:
        holder = http.send(http.build_request("POST", URL, json=_body(1)), stream=True)

        def wait_for_a_connection() -> None:
            try:
                outcome.append(
                    http.post(URL, json=_body(2), timeout=httpx.Timeout(5, pool=0.3)).status_code
                )
            except BaseException as exc:
                outcome.append(exc)

        waiter = threading.Thread(target=wait_for_a_connection, daemon=True)
        waiter.start()
        waiter.join(timeout=10)  # a bound for a broken pool, far above the 0.3 s asked for
        holder.close()
        waiter.join(timeout=10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], httpx.PoolTimeout), outcome
    assert len(book.requests) == 1, "the waiting request was never sent"


def test_the_async_pool_raises_pool_timeout_when_every_connection_is_busy(
    book: FakeTradovate, server: FakeServer
) -> None:
    headers = {"Authorization": f"Bearer {book.issue_token()}"}

    async def main() -> None:
        async with httpx.AsyncClient(
            transport=AsyncPooledTransport(max_connections=1),
            base_url=server.base_url,
            headers=headers,
        ) as http:
            holder = await http.send(http.build_request("POST", URL, json=_body(1)), stream=True)
            waiting = http.post(URL, json=_body(2), timeout=httpx.Timeout(5, pool=0.3))
            with pytest.raises(httpx.PoolTimeout):
                await asyncio.wait_for(waiting, timeout=10)  # a bound for a broken pool
            await holder.aclose()
            assert (await http.post(URL, json=_body(3))).status_code == 200, "the pool still works"

    asyncio.run(main())
    assert len(book.requests) == 2, "the request that timed out in the pool was never sent"

"""The fake over real HTTP: load, keep-alive, clean stops, and its command line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx

from tradovate_liquidate.testing import FakeTradovate

URL = "/order/liquidateposition"
LOAD_REQUESTS = 5_000
LOAD_CONCURRENCY = 100


async def _load(base_url: str, token: str) -> list[httpx.Response]:
    """LOAD_REQUESTS posts over LOAD_CONCURRENCY connections, one client per connection.

    One httpx pool of 100 connections spends more CPU on its own bookkeeping than the fake
    spends answering (httpcore scans every connection for every request), so the clients
    are split to measure the server, not the pool.
    """
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30)
        for _ in range(LOAD_CONCURRENCY)
    ]

    async def worker(index: int) -> list[httpx.Response]:
        accounts = range(index + 1, LOAD_REQUESTS + 1, LOAD_CONCURRENCY)
        async with clients[index] as http:
            return [
                await http.post(URL, json={"accountId": account, "contractId": 1, "admin": False})
                for account in accounts
            ]

    batches = await asyncio.gather(*(worker(index) for index in range(LOAD_CONCURRENCY)))
    return [answer for batch in batches for answer in batch]


def test_serves_5000_requests_at_concurrency_100_with_none_lost() -> None:
    fake = FakeTradovate(open_book=True)
    token = fake.issue_token()
    with fake.serve() as server:
        started = time.perf_counter()
        answers = asyncio.run(_load(server.base_url, token))
        elapsed = time.perf_counter() - started
        accepted = server.connections_accepted
    order_ids = [answer.json()["orderId"] for answer in answers]
    assert len(set(order_ids)) == LOAD_REQUESTS
    assert sorted(order_ids) == sorted(order.order_id for order in fake.placed)
    assert len(fake.requests) == LOAD_REQUESTS
    assert accepted == LOAD_CONCURRENCY, "each client's connection must be kept alive"
    print(
        f"\nfake over loopback: {LOAD_REQUESTS / elapsed:,.0f} requests/s "
        f"at concurrency {LOAD_CONCURRENCY}"
    )


def test_keep_alive_uses_one_connection() -> None:
    fake = FakeTradovate(open_book=True)
    token = fake.issue_token()
    with fake.serve() as server, httpx.Client(base_url=server.base_url) as http:
        for account in range(20):
            http.post(
                URL,
                json={"accountId": account, "contractId": 1, "admin": False},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert server.connections_accepted == 1


def test_stop_does_not_wait_for_idle_keep_alive_connections() -> None:
    fake = FakeTradovate()
    server = fake.serve()
    http = httpx.Client(base_url=server.base_url)
    http.get(URL)  # leaves an idle keep-alive connection open
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 2
    http.close()
    # The handler thread notices the closed socket a moment later: wait for it, bounded.
    deadline = time.perf_counter() + 5
    while server.open_connections and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert server.open_connections == 0


def test_command_line_prints_base_url_serves_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradovate_liquidate.testing",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--token",
            "cli-token",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        answer = httpx.post(
            base_url + URL,
            json={"accountId": 100001, "contractId": 3570918, "admin": False},
            headers={"Authorization": "Bearer cli-token"},
        )
        assert answer.json()["failureReason"] == "Success"
        assert "orderId" in answer.json(), "the demo book holds a position on 100001"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert "stopped after 1 requests: 1 closing orders placed, 2 working orders cancelled" in stderr

"""Both batch runners end the same way when a call raises outside the error tree."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate

from .conftest import Harness

FAULTY, HELD = 1, {2, 3, 4}  # the first four targets are in flight together (concurrency 4)
HOLD = 0.5  # generous: the runner must have seen the fault before the held calls go on


class _FaultyTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Raises RuntimeError for account FAULTY once the HELD calls are in flight; holds those
    until well after the fault, then lets them reach the fake like every other call."""

    def __init__(self, fake: FakeTradovate) -> None:
        self._inner = fake.transport()
        self._arrived: set[int] = set()
        self._lock = threading.Lock()
        self._raised = threading.Event()

    def _account(self, request: httpx.Request) -> int:
        account = int(json.loads(request.read())["accountId"])
        with self._lock:
            self._arrived.add(account)
        return account

    def _all_held_arrived(self) -> bool:
        with self._lock:
            return self._arrived >= HELD

    def _fault(self) -> RuntimeError:
        self._raised.set()
        return RuntimeError("a transport bug")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        account = self._account(request)
        if account == FAULTY:
            deadline = time.monotonic() + 10
            while not self._all_held_arrived() and time.monotonic() < deadline:
                time.sleep(0.005)
            raise self._fault()
        if account in HELD:
            self._raised.wait(10)
            time.sleep(HOLD)
        return self._inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        account = self._account(request)
        if account == FAULTY:
            deadline = time.monotonic() + 10
            while not self._all_held_arrived() and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            raise self._fault()
        if account in HELD:
            while not self._raised.is_set():
                await asyncio.sleep(0.005)
            await asyncio.sleep(HOLD)
        return await self._inner.handle_async_request(request)


def test_an_unexpected_exception_ends_both_runners_the_same_way(harness: Harness) -> None:
    fake = FakeTradovate(open_book=True)
    progress: list[int] = []
    after_return: dict[str, int] = {}

    def use(client: Any) -> Any:
        return client.liquidate_many(
            [(account, 7) for account in range(1, 41)],
            concurrency=4,
            on_progress=lambda index, outcome: progress.append(index),
        )

    with pytest.raises(RuntimeError, match="a transport bug"):
        harness.run({"token": fake.issue_token(), "transport": _FaultyTransport(fake)}, use)
    after_return["requests"] = len(fake.requests)
    time.sleep(HOLD + 0.5)  # anything still running in the background would arrive now
    sent = sorted(json.loads(request.body)["accountId"] for request in fake.requests)
    assert sent == sorted(HELD), "the calls in flight finished; nothing new was started"
    assert after_return["requests"] == len(HELD), "nothing arrived after liquidate_many raised"
    assert sorted(progress) == [account - 1 for account in sorted(HELD)], "their outcomes count"

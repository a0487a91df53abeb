"""Ctrl-C on the sync client raises KeyboardInterrupt in the caller at once, while the
calls in flight end in daemon threads: their outcomes are kept but on_progress is not
called after the call has raised (found by review: a CLI progress line printed over its
final table, a service writing results for a run it gave up on).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
ACCOUNTS = list(range(480_001, 480_011))


class InterruptOn(httpx.BaseTransport):
    """Sends SIGINT when the request `nth` matching `match` arrives; answers it 0.3 s later."""

    def __init__(self, fake: FakeTradovate, match: Callable[[str], bool], nth: int) -> None:
        self.inner, self.match, self.nth = fake.transport(), match, nth
        self.seen = 0
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.seen += self.match(request.url.path)
            now = self.match(request.url.path) and self.seen == self.nth
        if now:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.3)
        return self.inner.handle_request(request)


def progress_after_interrupt(transport: httpx.BaseTransport, run: Callable[..., Any]) -> int:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT reaches the main thread only")
    calls: list[float] = []
    interrupted_at = 0.0
    client = LiquidationClient(token=TOKEN[0], transport=transport, connect_backoff=0)
    try:
        with pytest.raises(KeyboardInterrupt):
            run(client, lambda index, outcome: calls.append(time.monotonic()))
        interrupted_at = time.monotonic()
        time.sleep(1.0)  # the caller is back in control
    finally:
        client.close()
    return sum(1 for at in calls if at > interrupted_at)


TOKEN: list[str] = []


def test_liquidate_many_reports_nothing_after_ctrl_c() -> None:
    fake = FakeTradovate()
    fake.add_positions([(a, ES, 1) for a in ACCOUNTS])
    TOKEN[:] = [fake.issue_token()]
    transport = InterruptOn(fake, lambda path: path.endswith("/liquidateposition"), 1)
    late = progress_after_interrupt(
        transport,
        lambda client, progress: client.liquidate_many(
            [(a, ES) for a in ACCOUNTS], concurrency=4, on_progress=progress
        ),
    )
    assert late == 0, f"on_progress called {late} times after liquidate_many raised"


def test_liquidate_accounts_reports_nothing_after_ctrl_c() -> None:
    fake = FakeTradovate()
    fake.add_positions([(a, ES, 1) for a in ACCOUNTS])
    TOKEN[:] = [fake.issue_token()]
    # the second positions read is the settling read: its accounts are reported as it ends
    transport = InterruptOn(fake, lambda path: path.endswith("/position/ldeps"), 2)
    late = progress_after_interrupt(
        transport,
        lambda client, progress: client.liquidate_accounts(
            ACCOUNTS, concurrency=4, on_progress=progress
        ),
    )
    assert late == 0, f"on_progress called {late} times after liquidate_accounts raised"

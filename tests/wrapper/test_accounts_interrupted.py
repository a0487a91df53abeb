"""Ctrl-C (KeyboardInterrupt in the caller's thread) during the reads of a sync
liquidate_accounts starts nothing new: the worker threads finish the calls in flight
and take no other job, so no liquidation is sent blind after the caller got the
interrupt (found by review: the daemon workers went on growing the run).
"""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest

from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
ACCOUNTS = list(range(420_001, 420_011))


class InterruptOnFirstRead(httpx.BaseTransport):
    """Sends SIGINT to the process when the first positions read arrives, and answers
    it a little later (so the caller's thread takes the KeyboardInterrupt first)."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.interrupted_at: float | None = None
        self.liquidations_after: list[float] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            first = self.interrupted_at is None and request.url.path.endswith("/position/ldeps")
            if first:
                self.interrupted_at = time.monotonic()
        if first:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.3)
        elif self.interrupted_at is not None and "liquidateposition" in request.url.path:
            self.liquidations_after.append(time.monotonic())
        return self.inner.handle_request(request)


def test_nothing_new_is_started_after_the_caller_is_interrupted() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT reaches the main thread only")
    fake = FakeTradovate()
    fake.add_positions([(a, ES, 1) for a in ACCOUNTS])
    transport = InterruptOnFirstRead(fake)
    client = LiquidationClient(token=fake.issue_token(), transport=transport, connect_backoff=0)
    try:
        with pytest.raises(KeyboardInterrupt):
            client.liquidate_accounts(ACCOUNTS, concurrency=4)
        time.sleep(1.0)  # the caller is back in control; the workers are not
    finally:
        client.close()
    assert transport.liquidations_after == [], (
        f"{len(transport.liquidations_after)} liquidations were started after the caller "
        "got KeyboardInterrupt, their outcomes reported to no one"
    )

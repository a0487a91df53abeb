"""A slow on_progress (a webhook, a database write) holds up its own worker only: the
sync driver calls it outside the run's lock, so the other workers go on starting and
recording jobs (found by review: it ran under _Run's Condition, stalling the run).
"""

from __future__ import annotations

import threading
import time

import httpx

from tradovate_liquidate import AccountResult, LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
FLAT = list(range(410_001, 410_101))  # the first read chunk: nothing open
OPEN = list(range(410_101, 410_201))  # the second: one position each


WORKERS = 8


class Watch(httpx.BaseTransport):
    """The fake's transport, counting the liquidations that reach it."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.liquidations = 0
        self.changed = threading.Condition()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/liquidateposition"):
            with self.changed:
                self.liquidations += 1
                self.changed.notify_all()
        return self.inner.handle_request(request)

    def more_than_in_flight(self, timeout: float) -> bool:
        """Whether more liquidations than there are workers arrive within `timeout`:
        so some were started after this was called."""
        with self.changed:
            start = self.liquidations
            return self.changed.wait_for(
                lambda: self.liquidations > start + WORKERS, timeout=timeout
            )


def test_a_slow_on_progress_does_not_hold_up_the_other_workers() -> None:
    fake = FakeTradovate(latency=0.01)
    fake.add_positions([(a, ES, 1) for a in OPEN])
    for a in FLAT:
        fake.add_position(account_id=a, contract_id=ES, net_pos=0)
    watch = Watch(fake)
    waited: list[bool] = []
    first = threading.Lock()

    def progress(index: int, result: AccountResult) -> None:
        # The first flat account's report waits (as a slow callback would) for more
        # liquidations than there are workers to reach the server: seven other workers
        # are free, and the second chunk's positions make 100 liquidations.
        if result.account_id in FLAT and first.acquire(blocking=False):
            waited.append(watch.more_than_in_flight(2.0))

    started = time.monotonic()
    with LiquidationClient(token=fake.issue_token(), transport=watch, connect_backoff=0) as client:
        results = client.liquidate_accounts(FLAT + OPEN, on_progress=progress, concurrency=WORKERS)
    assert all(r.flat for r in results)
    assert waited == [True], (
        "no liquidation went out while on_progress ran: every worker waited on the "
        f"callback (run took {time.monotonic() - started:.1f}s)"
    )

"""A slow on_progress holds up one worker only: the reports are delivered by one worker
at a time, the others go on sending (found by review: every worker that ended a job
delivered other accounts' reports until the queue was empty).
"""

from __future__ import annotations

import threading
import time

import httpx

from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
FLAT = list(range(490_001, 490_101))  # the first read chunk: visible, nothing open
OPEN = list(range(490_101, 490_201))  # the second: one position each
LATENCY = 0.02
SLOW = 0.1  # seconds per on_progress call


class Timed(httpx.BaseTransport):
    """Holds the second chunk's positions read until the first report is being
    delivered, so its liquidations become ready while reports are queued."""

    def __init__(self, fake: FakeTradovate, reporting: threading.Event) -> None:
        self.inner, self.reporting = fake.transport(), reporting
        self.sent: list[float] = []
        self.lock = threading.Lock()
        self.held = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/position/ldeps") and f"={OPEN[0]}" in str(request.url.query):
            with self.lock:
                hold, self.held = not self.held, True
            if hold:
                self.reporting.wait(5)
        if path.endswith("/liquidateposition"):
            with self.lock:
                self.sent.append(time.monotonic())
            time.sleep(LATENCY)
        return self.inner.handle_request(request)


def test_a_slow_on_progress_holds_up_its_own_worker_only() -> None:
    fake = FakeTradovate()
    for account in FLAT:
        fake.add_account(account)
    fake.add_positions([(a, ES, 1) for a in OPEN])
    reporting = threading.Event()
    transport = Timed(fake, reporting)

    def progress(index: int, result: object) -> None:
        if index < len(FLAT):  # the flat accounts' reports only: the test stays short
            reporting.set()
            time.sleep(SLOW)

    with LiquidationClient(token=fake.issue_token(), transport=transport) as client:
        client.liquidate_accounts(FLAT + OPEN, concurrency=8, on_progress=progress, confirm=False)
    assert len(transport.sent) == len(OPEN)
    span = transport.sent[-1] - transport.sent[0]
    # one worker stuck in the callback leaves 7: 100 liquidations take about 0.3 s
    assert span < 1.0, (
        f"the liquidations took {span:.2f} s to go out: the workers were delivering other "
        "accounts' progress reports instead of sending them"
    )

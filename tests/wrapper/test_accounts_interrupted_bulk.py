"""Ctrl-C on the sync liquidate_accounts while a bulk job is already claimed but waits
for a position's one-call lock (a liquidate_position beside the run holds it): the bulk
request may still go out after the interrupt, so its positions are made pending before
it goes, and the retry reads before sending instead of a second closing order blind
(found by review: they were made pending only at the run's end).
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
ACCOUNTS = list(range(460_001, 460_011))
HELD = ACCOUNTS[0]


class HoldSingle(httpx.BaseTransport):
    """Holds the answer to the single /liquidateposition until `release`; notes when the
    run's first positions read was answered and when a bulk request arrives."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.single_arrived = threading.Event()
        self.release = threading.Event()
        self.read_answered = threading.Event()
        self.bulk_arrived = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        response = self.inner.handle_request(request)
        if path.endswith("/order/liquidateposition"):
            self.single_arrived.set()
            self.release.wait(10)
        elif path.endswith("/position/ldeps"):
            self.read_answered.set()
        elif path.endswith("/order/liquidatepositions"):
            self.bulk_arrived.set()
        return response


def test_a_bulk_sent_after_ctrl_c_is_kept_pending() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT reaches the main thread only")
    fake = FakeTradovate(fill_mode="never")  # closing orders stay working
    fake.add_positions([(a, ES, 2) for a in ACCOUNTS])
    transport = HoldSingle(fake)
    client = LiquidationClient(token=fake.issue_token(), transport=transport, connect_backoff=0)

    beside = threading.Thread(
        target=lambda: client.liquidate_position(HELD, ES), daemon=True
    )  # holds HELD's one-call lock while its answer is held

    def interrupt() -> None:
        transport.read_answered.wait(10)
        time.sleep(0.5)  # the bulk job is claimed and waits for HELD's lock
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)
        transport.release.set()

    try:
        beside.start()
        assert transport.single_arrived.wait(10)
        helper = threading.Thread(target=interrupt, daemon=True)
        helper.start()
        with pytest.raises(KeyboardInterrupt):
            client.liquidate_accounts(ACCOUNTS, method="bulk")
        helper.join(10)
        beside.join(10)
        sent_after_interrupt = transport.bulk_arrived.wait(3)
        time.sleep(0.3)  # the worker records bulk_sent right before sending
        not_pending = [a for a in ACCOUNTS[1:] if client._pending.get((a, ES)) is None]
        client.liquidate_accounts(ACCOUNTS, method="bulk", confirm=False)  # the retry
    finally:
        client.close()
    bulks = [r for r in fake.requests if r.path.endswith("/liquidatepositions")]
    assert sent_after_interrupt  # the scenario happened
    assert not not_pending, f"{len(not_pending)} positions sent in bulk were not pending"
    assert len(bulks) == 1, f"the retry sent {len(bulks) - 1} more bulk request(s) blind"

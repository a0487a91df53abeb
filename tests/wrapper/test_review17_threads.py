"""Review 17: a growing phase starts `concurrency` threads whatever its size (Jobs sets
workers = concurrency when it grows), where a phase used min(concurrency, jobs). One
account at concurrency=256 starts 256 threads, and every job's end wakes each waiting
one (notify_all): 255 wake-ups per job on a 2-core machine, for nothing.
"""

from __future__ import annotations

import threading

import httpx

from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918


class CountThreads(httpx.BaseTransport):
    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()
        self.most = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.most = max(self.most, threading.active_count())
        return self.inner.handle_request(request)


def test_review17_one_account_does_not_start_256_threads() -> None:
    fake = FakeTradovate()
    fake.add_position(account_id=440_001, contract_id=ES, net_pos=1)
    transport = CountThreads(fake)
    before = threading.active_count()
    with LiquidationClient(token=fake.issue_token(), transport=transport) as client:
        (result,) = client.liquidate_accounts([440_001], concurrency=256)
    assert result.flat
    # 3 first reads, then 1 liquidation, 1 settling read: never more than 3 at once
    assert transport.most - before <= 8, f"{transport.most - before} threads for one account"

"""What verification costs: the extra time on a lost answer, and none on the success path.

The fake runs on loopback with 20 ms of server latency per request. A lost answer (the
fake acts, then drops the connection) is settled by reading the position and the orders
once: two reads, about two latencies more than a plain call. The success path must send
the one POST and nothing else.
"""

from __future__ import annotations

import statistics
import time

from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate, Fault

from .common import TOKEN, Row, at_most

LATENCY, CALLS, CONTRACT = 0.02, 40, 3_570_918


def lost_answer_cost() -> list[Row]:
    fake = FakeTradovate(latency=LATENCY, open_book=True)
    fake.accept_token(TOKEN)
    plain: list[float] = []
    lost: list[float] = []
    extra_on_success = reads_on_lost = 0
    with fake.serve() as server, LiquidationClient(TOKEN, base_url=server.base_url) as client:
        for account in range(1, 2 * CALLS + 1):
            is_lost = account % 2 == 0  # alternate, so drift hits both alike
            if is_lost:
                fake.inject(Fault.drop_connection())
            before = len(fake.requests)
            started = time.perf_counter()
            result = client.liquidate_position(account, CONTRACT)
            elapsed = time.perf_counter() - started
            methods = [request.method for request in fake.requests[before:]]
            assert result.order_id is not None
            assert result.verified is is_lost
            if is_lost:
                lost.append(elapsed)
                reads_on_lost += methods.count("GET")
            else:
                plain.append(elapsed)
                extra_on_success += len(methods) - 1
    plain_ms, lost_ms = statistics.median(plain) * 1e3, statistics.median(lost) * 1e3
    return [
        Row("success path, per call at 20 ms latency", plain_ms, "ms"),
        at_most("success path: requests beyond the one POST", extra_on_success, 0, "requests"),
        Row("lost answer, verified, per call at 20 ms latency", lost_ms, "ms"),
        Row("verification's extra time on a lost answer", lost_ms - plain_ms, "ms"),
        Row("reads per verified lost answer", reads_on_lost / CALLS, "reads"),
    ]

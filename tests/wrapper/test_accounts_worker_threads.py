"""A growing phase starts workers as jobs become ready, up to `concurrency`: one account
at concurrency=256 does not start 256 threads that every job's end would wake (found
by review).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tradovate_liquidate import LiquidationClient, _jobs
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918


def test_one_account_does_not_start_256_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[None] = []

    class Counted(threading.Thread):
        def start(self) -> None:
            started.append(None)
            super().start()

    class Threading:  # the module _jobs sees, with Thread counted
        def __getattr__(self, name: str) -> Any:
            return Counted if name == "Thread" else getattr(threading, name)

    monkeypatch.setattr(_jobs, "threading", Threading())
    fake = FakeTradovate()
    fake.add_position(account_id=440_001, contract_id=ES, net_pos=1)
    with LiquidationClient(token=fake.issue_token(), transport=fake.transport()) as client:
        (result,) = client.liquidate_accounts([440_001], concurrency=256)
    assert result.flat
    # 3 first reads, then 1 liquidation, then 1 settling read: 3 at most at once
    assert len(started) <= 8, f"{len(started)} worker threads for one account"

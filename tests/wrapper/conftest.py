"""The wrapper tests' fake; `harness` (tests/conftest.py) runs each test on both clients."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate.testing import FakeTradovate, ManualClock

from ..harness import Harness

__all__ = ["ACCOUNT", "CONTRACT", "Harness"]

ACCOUNT = 100_001
CONTRACT = 3_570_918


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


@pytest.fixture
def token(fake: FakeTradovate) -> str:
    return fake.issue_token()


@pytest.fixture
def on_fake(fake: FakeTradovate, token: str) -> dict[str, Any]:
    """Client arguments that reach the fake in-process, with retries that do not sleep."""
    return {"token": token, "transport": fake.transport(), "connect_backoff": 0}


def exit_fills_first() -> tuple[FakeTradovate, ManualClock]:
    """The strategy's own exit fills while our closing order still works (never fills):
    the position reads 0 at the first wait, and our order would open it the other way."""
    box: list[FakeTradovate] = []

    class ExitFillsFirst(ManualClock):
        def sleep(self, seconds: float) -> None:
            box[0].add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=0)
            super().sleep(seconds)

    clock = ExitFillsFirst()
    fake = FakeTradovate(clock=clock.time, fill_mode="never")
    box.append(fake)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake, clock

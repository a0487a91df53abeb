"""The wrapper tests' fake; `harness` (tests/conftest.py) runs each test on both clients."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate.testing import FakeTradovate

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

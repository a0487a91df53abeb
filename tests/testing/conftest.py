from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate

ACCOUNT = 100_001
CONTRACT = 3_570_918


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=3)
    return fake


@pytest.fixture
def token(fake: FakeTradovate) -> str:
    return fake.issue_token()


@pytest.fixture
def http(fake: FakeTradovate, token: str) -> Iterator[httpx.Client]:
    """A raw httpx client on the fake's in-process transport: the fake, not our client."""
    with httpx.Client(
        transport=fake.transport(),
        base_url="https://demo.tradovateapi.com/v1",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


def body(**overrides: object) -> dict[str, object]:
    return {"accountId": ACCOUNT, "contractId": CONTRACT, "admin": False, **overrides}

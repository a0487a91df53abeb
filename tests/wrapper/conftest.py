"""Every wrapper test runs twice: on LiquidationClient and on AsyncLiquidationClient."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate

ACCOUNT = 100_001
CONTRACT = 3_570_918


class Harness:
    """Builds a client of one kind and runs calls on it, awaiting them when async."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.client_class: type[Any] = (
            LiquidationClient if kind == "sync" else AsyncLiquidationClient
        )

    def run(self, client_kwargs: dict[str, Any], use: Callable[[Any], Any]) -> Any:
        """Construct a client, hand it to `use`, close it; returns what `use` returned."""
        if self.kind == "sync":
            with self.client_class(**client_kwargs) as client:
                return use(client)

        async def main() -> Any:
            async with self.client_class(**client_kwargs) as client:
                outcome = use(client)
                return await outcome if inspect.isawaitable(outcome) else outcome

        return asyncio.run(main())

    def liquidate(
        self, client_kwargs: dict[str, Any], *args: Any, **kwargs: Any
    ) -> LiquidationResult:
        return self.run(client_kwargs, lambda client: client.liquidate_position(*args, **kwargs))

    def transport(self, fake: FakeTradovate) -> Any:
        return fake.transport()


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    return Harness(request.param)


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

"""Runs the same test body on LiquidationClient and on AsyncLiquidationClient."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate


class Harness:
    """Builds a client of one kind and runs calls on it, awaiting them when async."""

    def __init__(self, kind: str, *, answer_only: bool = False) -> None:
        self.kind = kind
        self.answer_only = answer_only
        self.client_class: type[Any] = (
            LiquidationClient if kind == "sync" else AsyncLiquidationClient
        )

    def run(self, client_kwargs: dict[str, Any], use: Callable[[Any], Any]) -> Any:
        """Construct a client, hand it to `use`, close it; returns what `use` returned."""
        if self.answer_only:
            client_kwargs = {"verify_outcome": False, **client_kwargs}
        if self.kind == "sync":
            with self.client_class(**client_kwargs) as client:
                return use(client)

        async def main() -> Any:
            async with self.client_class(**client_kwargs) as client:
                outcome = use(client)
                return await outcome if inspect.isawaitable(outcome) else outcome

        return asyncio.run(main())

    def in_order(self, client_kwargs: dict[str, Any], *calls: Callable[[Any], Any]) -> list[Any]:
        """Several calls on one client, one after the other; returns their answers."""
        if self.kind == "sync":
            return self.run(client_kwargs, lambda client: [call(client) for call in calls])

        async def each(client: Any) -> list[Any]:
            answers = []
            for call in calls:
                answer = call(client)
                answers.append(await answer if inspect.isawaitable(answer) else answer)
            return answers

        return self.run(client_kwargs, each)

    def liquidate(
        self, client_kwargs: dict[str, Any], *args: Any, **kwargs: Any
    ) -> LiquidationResult:
        return self.run(client_kwargs, lambda client: client.liquidate_position(*args, **kwargs))

    def transport(self, fake: FakeTradovate) -> Any:
        return fake.transport()

"""The async client's connection layer: the package's pool by default, aiohttp only when asked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationResult, OutcomeUnknownError
from tradovate_liquidate._aiohttp import AiohttpTransport
from tradovate_liquidate._async_pool import AsyncPooledTransport
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT

# Calls here repeat one target to test the session or the transport, not what a
# pending target does: the clients decide on the answer alone.
pytestmark = pytest.mark.answer_only


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def _transport(client: AsyncLiquidationClient) -> object:
    return client._http._transport


def test_aiohttp_is_never_chosen_because_it_is_installed(token: str) -> None:
    client = AsyncLiquidationClient(token)
    assert isinstance(_transport(client), AsyncPooledTransport)
    asyncio.run(client.aclose())


def test_the_aiohttp_backend_liquidates_and_keeps_the_rules(
    fake: FakeTradovate, token: str, server: FakeServer
) -> None:
    async def main() -> tuple[LiquidationResult, BaseException]:
        async with AsyncLiquidationClient(
            token, base_url=server.base_url, http_backend="aiohttp", verify_outcome=False
        ) as client:
            assert isinstance(_transport(client), AiohttpTransport)
            result = await client.liquidate_position(ACCOUNT, CONTRACT)
            fake.inject(Fault.drop_connection())
            with pytest.raises(OutcomeUnknownError) as dropped:
                await client.liquidate_position(ACCOUNT, CONTRACT)
            return result, dropped.value

    result, dropped = asyncio.run(main())
    assert result.order_id == fake.placed[0].order_id
    assert len(fake.requests) == 2, "a dropped connection after sending is never resent"
    assert "nothing was sent" not in str(dropped)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"http_backend": "curl"}, "http_backend: must be 'httpx' or 'aiohttp'"),
        (
            {"http_backend": "aiohttp", "transport": httpx.MockTransport(lambda r: None)},  # type: ignore[arg-type, return-value]
            "http_backend: give it or transport/http_client, not both",
        ),
    ],
)
def test_bad_backend_arguments_are_refused(
    token: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        AsyncLiquidationClient(token, **kwargs)  # type: ignore[arg-type]

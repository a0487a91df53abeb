"""An exception outside `Exception` raised inside one worker's call (a transport or
library leaking asyncio.CancelledError without the caller being cancelled, or any
BaseException subclass) ends the run with it on both clients, instead of leaving the
other async workers waiting forever for jobs (found by review).
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

ES = 3570918
ACCOUNTS = list(range(470_001, 470_011))


class Leak(BaseException):
    """Stands for what a worker may meet outside Exception."""


def raising(fake: FakeTradovate, exc: type[BaseException]) -> httpx.AsyncBaseTransport:
    class OnOrderRead(httpx.BaseTransport, httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = fake.transport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/order/ldeps"):
                raise exc("leaked")
            return self.inner.handle_request(request)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/order/ldeps"):
                raise exc("leaked")
            return await self.inner.handle_async_request(request)

    return OnOrderRead()


def seeded() -> FakeTradovate:
    fake = FakeTradovate()
    fake.add_positions([(a, ES, 1) for a in ACCOUNTS])
    return fake


def test_sync_raises_a_base_exception_from_a_worker() -> None:
    fake = seeded()
    client = LiquidationClient(token=fake.issue_token(), transport=raising(fake, Leak))
    with client, pytest.raises(Leak):
        client.liquidate_accounts(ACCOUNTS, confirm=False)


@pytest.mark.parametrize("exc", [Leak, asyncio.CancelledError])
def test_async_does_not_hang_on_a_base_exception_from_a_worker(exc: type[BaseException]) -> None:
    fake = seeded()

    async def main() -> None:
        kwargs = {"token": fake.issue_token(), "transport": raising(fake, exc)}
        async with AsyncLiquidationClient(**kwargs) as client:
            call = client.liquidate_accounts(ACCOUNTS, confirm=False)
            raised: BaseException | None = None
            try:
                await asyncio.wait_for(call, 5)
            except TimeoutError:
                pytest.fail("liquidate_accounts hung after a worker raised " + exc.__name__)
            except BaseException as ended:  # what it raised is fine: it returned
                raised = ended
            assert isinstance(raised, exc)

    asyncio.run(main())

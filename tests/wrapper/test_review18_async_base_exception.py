"""Review 18: an exception outside `Exception` raised inside one async worker's call (a
transport or library leaking asyncio.CancelledError without the caller being cancelled,
or any BaseException subclass) ends that task without `run.failed` and without
`_notify(ended=True)`: `_running` never drops to 0, the other workers wait for a change
forever (WAIT), and run_tasks awaits them in order: liquidate_accounts never returns.
The sync twin catches BaseException in its worker, fails the run and raises it.
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
    with LiquidationClient(token=fake.issue_token(), transport=raising(fake, Leak)) as client:
        with pytest.raises(Leak):
            client.liquidate_accounts(ACCOUNTS, confirm=False)


@pytest.mark.parametrize("exc", [Leak, asyncio.CancelledError])
def test_async_does_not_hang_on_a_base_exception_from_a_worker(exc: type[BaseException]) -> None:
    fake = seeded()

    async def main() -> None:
        kwargs = {"token": fake.issue_token(), "transport": raising(fake, exc)}
        async with AsyncLiquidationClient(**kwargs) as client:
            call = client.liquidate_accounts(ACCOUNTS, confirm=False)
            try:
                await asyncio.wait_for(call, 5)
            except TimeoutError:
                pytest.fail("liquidate_accounts hung after a worker raised " + exc.__name__)
            except BaseException as raised:  # what it raised is fine: it returned
                assert isinstance(raised, exc)

    asyncio.run(main())

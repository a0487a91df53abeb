"""The fake's transport with one misbehaviour each, for tests of both clients."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tradovate_liquidate.testing import FakeTradovate


class LockOutAt(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, locking the user out just before the n-th liquidation reaches it."""

    def __init__(self, fake: FakeTradovate, n: int) -> None:
        self.fake, self.inner, self.n, self.seen = fake, fake.transport(), n, 0

    def _count(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/liquidateposition"):
            self.seen += 1
            if self.seen == self.n:
                self.fake.lock_out()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._count(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._count(request)
        return await self.inner.handle_async_request(request)


class FailingOrderReads(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, answering GET /order/ldeps (or `path`) with 500."""

    def __init__(self, fake: FakeTradovate, path: str = "/order/ldeps") -> None:
        self.inner, self.path = fake.transport(), path

    def _fails(self, request: httpx.Request) -> bool:
        return request.url.path.endswith(self.path)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._fails(request):
            return httpx.Response(500, text="Internal Server Error")
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._fails(request):
            return httpx.Response(500, text="Internal Server Error")
        return await self.inner.handle_async_request(request)


SIGN_IN = "/auth/accesstokenrequest"


class RefusedFromLiquidation(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Refuses (401) everything from the liquidation POST on; its sign-ins answered by
    `sign_in` (or 401 when None)."""

    def __init__(
        self,
        fake: FakeTradovate,
        sign_in: Callable[[httpx.Request], httpx.Response] | None,
    ) -> None:
        self.inner = fake.transport()
        self.sign_in = sign_in
        self.refusing = False

    def _check(self, request: httpx.Request) -> httpx.Response | None:
        path = request.url.path.removeprefix("/v1")
        if path == "/order/liquidateposition":
            self.refusing = True
        if not self.refusing:
            return None
        if path == SIGN_IN and self.sign_in is not None:
            return self.sign_in(request)
        return httpx.Response(401, text="Access is denied", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        if refused is not None:
            return refused
        response = self.inner.handle_request(request)
        response.read()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refused = self._check(request)
        if refused is not None:
            return refused
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return response

"""The asyncio twin of _pool.PooledTransport (kept apart so a sync caller never imports asyncio)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from ._pool import DEFAULT_MAX_CONNECTIONS, Connections


class AsyncPooledTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        verify: bool | str | ssl.SSLContext = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        connections = Connections(verify)
        self._new: Callable[[], httpx.AsyncHTTPTransport] = lambda: httpx.AsyncHTTPTransport(
            **connections.options()
        )
        self._free: list[httpx.AsyncHTTPTransport] = []
        self._all: list[httpx.AsyncHTTPTransport] = []
        self._max = max_connections
        self._waiters: list[asyncio.Future[None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = await self._acquire()
        try:
            response = await shard.handle_async_request(request)
        except BaseException:
            self._release(shard)
            raise
        response.stream = _AsyncReleasing(response.stream, self, shard)
        return response

    async def _acquire(self) -> httpx.AsyncHTTPTransport:
        while not self._free and len(self._all) >= self._max:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        if self._free:
            return self._free.pop()
        self._all.append(self._new())
        return self._all[-1]

    def _release(self, shard: httpx.AsyncHTTPTransport) -> None:
        self._free.append(shard)
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                break

    async def aclose(self) -> None:
        shards, self._all, self._free = self._all, [], []
        for shard in shards:
            await shard.aclose()


class _AsyncReleasing(httpx.AsyncByteStream):
    """A response body that gives its connection back once closed."""

    def __init__(
        self, stream: Any, pool: AsyncPooledTransport, shard: httpx.AsyncHTTPTransport
    ) -> None:
        self._stream, self._pool, self._shard = stream, pool, shard

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._pool._release(self._shard)

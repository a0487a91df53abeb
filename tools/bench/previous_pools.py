"""The connection pools this package had before h11 ones, kept only for `make bench`.

They pooled single-connection httpx transports on a free list. They carried a lost
wake-up under cancellation and ignored Timeout(pool=...), which is why they were
replaced; the bench keeps them to show what the replacement changed.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

_ONE = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class PreviousPool(httpx.BaseTransport):
    def __init__(self, max_connections: int = 100) -> None:
        self._context = httpx.create_ssl_context()  # shared, as the previous pools did
        self._free: deque[httpx.HTTPTransport] = deque()
        self._all: list[httpx.HTTPTransport] = []
        self._slots = threading.BoundedSemaphore(max_connections)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._slots.acquire()
        try:
            shard = self._free.pop()
        except IndexError:
            shard = httpx.HTTPTransport(limits=_ONE, verify=self._context)
            self._all.append(shard)
        try:
            response = shard.handle_request(request)
        except BaseException:
            self._release(shard)
            raise
        response.stream = _Releasing(response.stream, self, shard)
        return response

    def _release(self, shard: httpx.HTTPTransport) -> None:
        self._free.append(shard)
        self._slots.release()

    def close(self) -> None:
        for shard in self._all:
            shard.close()


class _Releasing(httpx.SyncByteStream):
    def __init__(self, stream: Any, pool: PreviousPool, shard: httpx.HTTPTransport) -> None:
        self._stream, self._pool, self._shard = stream, pool, shard

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._pool._release(self._shard)


class PreviousAsyncPool(httpx.AsyncBaseTransport):
    def __init__(self, max_connections: int = 100) -> None:
        self._context = httpx.create_ssl_context()
        self._free: list[httpx.AsyncHTTPTransport] = []
        self._all: list[httpx.AsyncHTTPTransport] = []
        self._max = max_connections
        self._waiters: list[asyncio.Future[None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        while not self._free and len(self._all) >= self._max:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        if self._free:
            shard = self._free.pop()
        else:
            shard = httpx.AsyncHTTPTransport(limits=_ONE, verify=self._context)
            self._all.append(shard)
        try:
            response = await shard.handle_async_request(request)
        except BaseException:
            self._release(shard)
            raise
        response.stream = _AsyncReleasing(response.stream, self, shard)
        return response

    def _release(self, shard: httpx.AsyncHTTPTransport) -> None:
        self._free.append(shard)
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                break

    async def aclose(self) -> None:
        for shard in self._all:
            await shard.aclose()


class _AsyncReleasing(httpx.AsyncByteStream):
    def __init__(self, stream: Any, pool: PreviousAsyncPool, shard: Any) -> None:
        self._stream, self._pool, self._shard = stream, pool, shard

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._pool._release(self._shard)

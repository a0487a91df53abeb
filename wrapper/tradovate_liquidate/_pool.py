"""Connection pools for many concurrent calls: single-connection pools on a free list.

httpcore's pool checks every kept-alive connection (a poll syscall each, and an
O(connections^2) count of idle ones) each time it hands out or takes back a connection.
With 50 connections busy, that costs more than the HTTP exchange: liquidate_many at
concurrency 50 ran ten times slower than the server allowed. Here each connection is its
own httpx transport with one connection, so that bookkeeping stays constant, and a free
list hands out the most recently used (warm) one first.
"""

from __future__ import annotations

import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import httpx

#: Connections one client keeps open at most (as httpx's default pool).
DEFAULT_MAX_CONNECTIONS = 100
_ONE = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class Connections:
    """Makes single-connection transports that share one SSL context.

    Loading the CA bundle takes about 30 ms; doing it per connection would cost more than
    the calls. It is done once, on the first connection, not when a client is built, and
    under a lock: a batch's first 50 threads would otherwise each load it (0.5 s lost).
    """

    def __init__(self, verify: bool | str | ssl.SSLContext) -> None:
        self._verify = verify
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def options(self) -> dict[str, Any]:
        with self._lock:
            if self._context is None:
                verify = self._verify
                self._context = (
                    verify
                    if isinstance(verify, ssl.SSLContext)
                    else httpx.create_ssl_context(verify=verify)
                )
        return {"limits": _ONE, "verify": self._context}


class PooledTransport(httpx.BaseTransport):
    def __init__(
        self,
        verify: bool | str | ssl.SSLContext = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        connections = Connections(verify)
        self._new: Callable[[], httpx.HTTPTransport] = lambda: httpx.HTTPTransport(
            **connections.options()
        )
        # A deque's append and pop are thread-safe, and the semaphore bounds the connections
        # in use: no lock is held around a call, which keeps a single call's cost down.
        self._free: deque[httpx.HTTPTransport] = deque()
        self._all: list[httpx.HTTPTransport] = []
        self._slots = threading.BoundedSemaphore(max_connections)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._slots.acquire()
        try:
            shard = self._free.pop()
        except IndexError:
            shard = self._new()
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
        shards, self._all = self._all, []
        self._free.clear()
        for shard in shards:
            shard.close()


class _Releasing(httpx.SyncByteStream):
    """A response body that gives its connection back once closed."""

    def __init__(self, stream: Any, pool: PooledTransport, shard: httpx.HTTPTransport) -> None:
        self._stream, self._pool, self._shard = stream, pool, shard

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._pool._release(self._shard)

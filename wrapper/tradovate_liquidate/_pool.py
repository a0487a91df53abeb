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
from collections.abc import Callable, Iterator
from typing import Any

import httpx

#: Connections one client keeps open at most (as httpx's default pool).
DEFAULT_MAX_CONNECTIONS = 100
_ONE = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class Connections:
    """Makes single-connection transports that share one SSL context.

    Loading the CA bundle takes about 30 ms; doing it per connection would cost more than
    the calls. It is done once, on the first connection, not when a client is built.
    """

    def __init__(self, verify: bool | str | ssl.SSLContext) -> None:
        self._verify = verify
        self._context: ssl.SSLContext | None = None

    def options(self) -> dict[str, Any]:
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
        self._free: list[httpx.HTTPTransport] = []
        self._all: list[httpx.HTTPTransport] = []
        self._max = max_connections
        self._changed = threading.Condition()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        shard = self._acquire()
        try:
            response = shard.handle_request(request)
        except BaseException:
            self._release(shard)
            raise
        stream = _Releasing(response.stream, lambda: self._release(shard))
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=stream,
            extensions=response.extensions,
        )

    def _acquire(self) -> httpx.HTTPTransport:
        with self._changed:
            while not self._free and len(self._all) >= self._max:
                self._changed.wait()
            if self._free:
                return self._free.pop()
            self._all.append(self._new())
            return self._all[-1]

    def _release(self, shard: httpx.HTTPTransport) -> None:
        with self._changed:
            self._free.append(shard)
            self._changed.notify()

    def close(self) -> None:
        with self._changed:
            shards, self._all, self._free = self._all, [], []
        for shard in shards:
            shard.close()


class _Releasing(httpx.SyncByteStream):
    """A response body that gives its connection back once closed."""

    def __init__(self, stream: Any, release: Callable[[], None]) -> None:
        self._stream, self._release = stream, release

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._release()

"""AsyncPooledTransport: HTTP/1.1 keep-alive connections on asyncio protocols, pooled.

httpcore's pool checks every kept-alive connection each time it hands one out or takes one
back (a poll syscall each, and an O(connections^2) count of idle ones), and its anyio
streams cost a task switch per read: at concurrency 50 the bookkeeping cost more than the
exchange. Here each connection is an asyncio.Protocol that the event loop feeds directly
(it learns of a server's close without a syscall), h11 speaks HTTP/1.1, and the pool is a
free list plus a FIFO of waiters that is handed connections directly.

Kept apart from _pool.py so that a sync caller never imports asyncio's machinery.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpx

from ._http11 import (
    DEFAULT_MAX_CONNECTIONS,
    KEEPALIVE_EXPIRY,
    Origin,
    closed_early,
    new_h11,
    origin_of,
    protocol_errors,
    request_bytes,
    response,
    reusable,
    ssl_context,
    timeouts,
)

_TIMED_OUT = object()  # what a waiter is given when its pool timeout passes


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection; the event loop calls the Protocol methods."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.h11 = new_h11()
        self.idle_since = 0.0
        self._transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[bool] | None = None
        self._closed = False
        self._writable = True
        self.lost = asyncio.get_running_loop().create_future()  # done once the socket is closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self.h11.receive_data(data)
        self._wake(True)

    def eof_received(self) -> bool:
        if self.h11.their_state is not h11.CLOSED:
            self.h11.receive_data(b"")
        self._wake(True)
        return False  # close our side too

    def connection_lost(self, exc: BaseException | None) -> None:
        self._closed = True
        self._wake(True)
        if not self.lost.done():
            self.lost.set_result(None)

    def pause_writing(self) -> None:
        self._writable = False

    def resume_writing(self) -> None:
        self._writable = True
        self._wake(True)

    def _wake(self, value: bool) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(value)

    def usable(self, now: float) -> bool:
        """Free to carry a new request: open, idle, not expired, nothing unread."""
        return (
            not self._closed
            and self.h11.our_state is h11.IDLE
            and self.h11.their_state is h11.IDLE
            and now - self.idle_since < KEEPALIVE_EXPIRY
            and self.h11.trailing_data == (b"", False)
        )

    async def _wait(self, seconds: float | None, timeout: type[httpx.TimeoutException]) -> None:
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        timer = None if seconds is None else loop.call_later(seconds, self._wake, False)
        try:
            if not await waiter:
                raise timeout("timed out")
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    async def send(self, request: httpx.Request, limits: dict[str, float | None]) -> h11.Response:
        try:
            body = request.content
        except httpx.RequestNotRead:
            body = await request.aread()
        with protocol_errors():
            data = request_bytes(self.h11, request, body)
        if self._closed or self._transport is None:
            raise httpx.WriteError("the connection was closed before the request was written")
        self._transport.write(data)
        while not self._writable and not self._closed:
            await self._wait(limits["write"], httpx.WriteTimeout)
        while True:
            event = await self.next_event(limits["read"])
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                raise closed_early()

    async def next_event(self, read_timeout: float | None) -> Any:
        while True:
            with protocol_errors():
                event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self._closed:
                raise httpx.ReadError("the connection was lost")
            await self._wait(read_timeout, httpx.ReadTimeout)

    def close(self) -> None:
        """Drop the connection now: no TLS close_notify exchange, which can take seconds."""
        self._closed = True
        if self._transport is not None:
            self._transport.abort()


class AsyncPooledTransport(httpx.AsyncBaseTransport):
    """An httpx transport keeping up to `max_connections` HTTP/1.1 connections.

    Honours every httpx timeout: connect, read, write, and pool (waiting for a free
    connection raises httpx.PoolTimeout). A waiter cancelled after it was handed a
    connection passes it on, so no wake-up is lost. Proxies are not handled here: the
    clients use httpx's own transports when one is configured (see _transports.py).
    """

    def __init__(
        self,
        verify: bool | str | ssl.SSLContext = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        *,
        trust_env: bool = True,
    ) -> None:
        self._ssl = ssl_context(verify, trust_env)
        self._max = max_connections
        self._opened = 0  # connections open, or being opened, or promised to a waiter
        self._idle: dict[Origin, list[_Connection]] = {}
        self._waiters: deque[asyncio.Future[Any]] = deque()
        self._all: set[_Connection] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limits = timeouts(request)
        origin = origin_of(request.url)
        connection = await self._acquire(origin, limits["pool"])
        try:
            if connection is None:
                connection = await self._connect(origin, request, limits["connect"])
            head = await connection.send(request, limits)
        except BaseException:
            self._discard(connection)
            raise
        return response(head, _Body(self, connection, limits["read"]))

    async def _acquire(self, origin: Origin, pool_timeout: float | None) -> _Connection | None:
        """A warm connection for `origin`, or None: the caller may open one."""
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.usable(now):
                return connection
            self._discard(connection)
        if self._opened < self._max:
            self._opened += 1
            return None
        for other in self._idle.values():
            if other:  # another origin's idle connection gives up its slot
                self._discard(other.pop(), wake=False)
                return None
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        self._waiters.append(waiter)
        timer = None if pool_timeout is None else loop.call_later(pool_timeout, _expire, waiter)
        try:
            given = await waiter
        except BaseException:
            self._pass_on(waiter)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if given is _TIMED_OUT:
            raise httpx.PoolTimeout("no connection became free in time")
        if isinstance(given, _Connection) and given.origin == origin and given.usable(now):
            return given
        if given is not None:
            self._discard(given, wake=False)  # another origin's, or expired: the slot is ours
        return None

    def _pass_on(self, waiter: asyncio.Future[Any]) -> None:
        """A waiter that gives up hands on what it was given: the lost wake-up, fixed."""
        if waiter.done() and not waiter.cancelled():
            given = waiter.result()
            if isinstance(given, _Connection):
                self._release(given)
            elif given is None:
                self._free_slot()
        elif waiter in self._waiters:
            self._waiters.remove(waiter)

    async def _connect(
        self, origin: Origin, request: httpx.Request, connect_timeout: float | None
    ) -> _Connection:
        scheme, host, port = origin
        connection = _Connection(origin)
        hostname = host.decode("ascii")
        try:
            async with asyncio.timeout(connect_timeout):
                await asyncio.get_running_loop().create_connection(
                    lambda: connection,
                    hostname,
                    port,
                    ssl=self._ssl if scheme == b"https" else None,
                    server_hostname=hostname if scheme == b"https" else None,
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"no connection to {hostname}:{port} in time") from exc
        except OSError as exc:
            raise httpx.ConnectError(f"{hostname}:{port}: {exc}") from exc
        self._all.add(connection)
        return connection

    def _release(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.setdefault(connection.origin, []).append(connection)

    def _discard(self, connection: _Connection | None, *, wake: bool = True) -> None:
        if connection is not None:
            connection.close()
            self._all.discard(connection)
        if wake:
            self._free_slot()

    def _free_slot(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot moves to the waiter: it opens a connection
                return
        self._opened -= 1

    async def aclose(self) -> None:
        connections, self._all, self._idle = self._all, set(), {}
        for connection in connections:
            connection.close()
        # The loop closes the sockets in callbacks: wait for them, so that a loop ending
        # right after this does not leave a socket to the garbage collector.
        await asyncio.sleep(0)
        lost = [connection.lost for connection in connections if not connection.lost.done()]
        if lost:
            await asyncio.wait(lost, timeout=1.0)


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_result(_TIMED_OUT)


class _Body(httpx.AsyncByteStream):
    """A response body read as it arrives; closing it gives the connection back or drops it."""

    def __init__(
        self, pool: AsyncPooledTransport, connection: _Connection, read_timeout: float | None
    ) -> None:
        self._pool, self._read_timeout = pool, read_timeout
        self._connection: _Connection | None = connection

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        while True:
            event = await connection.next_event(self._read_timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise closed_early()

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if reusable(connection.h11):
            self._pool._release(connection)
        else:
            self._pool._discard(connection)

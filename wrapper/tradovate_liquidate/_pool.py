"""PooledTransport: HTTP/1.1 keep-alive connections on blocking sockets, pooled for threads.

httpcore's pool checks every kept-alive connection (a poll syscall each, and an
O(connections^2) count of idle ones) each time it hands out or takes back a connection.
With 50 connections busy, that cost more than the HTTP exchange: liquidate_many at
concurrency 50 ran several times slower than the server allowed. Here a connection is a
socket and an h11 state machine; the pool is a free list per origin under one condition
variable, handing out the most recently used (warm) connection first, and checking only
the one it hands out.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import h11
import httpx

from ._deadline import bounded
from ._http11 import (
    DEFAULT_MAX_CONNECTIONS,
    KEEPALIVE_EXPIRY,
    READ_SIZE,
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

__all__ = ["DEFAULT_MAX_CONNECTIONS", "PooledTransport"]


class _Connection:
    """One HTTP/1.1 connection: a socket (TLS or plain) and h11's state for it."""

    def __init__(self, origin: Origin, sock: socket.socket) -> None:
        self.origin, self.sock = origin, sock
        self.h11 = new_h11()
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        """Idle, not expired, and not readable: a readable idle socket was closed by the server."""
        if (
            self.h11.our_state is not h11.IDLE
            or self.h11.their_state is not h11.IDLE
            or now - self.idle_since >= KEEPALIVE_EXPIRY
        ):
            return False
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def send(self, request: httpx.Request, limits: dict[str, float | None]) -> h11.Response:
        with protocol_errors():
            data = request_bytes(self.h11, request, request.read())
        try:
            self.sock.settimeout(bounded(limits["write"]))
            self.sock.sendall(data)
        except TimeoutError as exc:
            raise httpx.WriteTimeout("timed out while sending the request") from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc)) from exc
        while True:
            event = self.next_event(limits["read"])
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                raise closed_early()

    def next_event(self, read_timeout: float | None) -> Any:
        while True:
            with protocol_errors():
                event = self.h11.next_event()
                if event is not h11.NEED_DATA:
                    return event
                try:
                    # Each read waits at most until the call's deadline: a server that
                    # trickles a byte at a time cannot keep a call alive past it.
                    self.sock.settimeout(bounded(read_timeout))
                    data = self.sock.recv(READ_SIZE)
                except TimeoutError as exc:
                    raise httpx.ReadTimeout("timed out while reading the answer") from exc
                except OSError as exc:
                    raise httpx.ReadError(str(exc)) from exc
                self.h11.receive_data(data)

    def close(self) -> None:
        self.sock.close()  # socket.close() never raises for an already-broken connection


def connect(origin: Origin, context: ssl.SSLContext, connect_timeout: float | None) -> _Connection:
    scheme, host, port = origin
    hostname = host.decode("ascii")
    try:
        sock = socket.create_connection((hostname, port), timeout=bounded(connect_timeout))
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(f"no connection to {hostname}:{port} in time") from exc
    except OSError as exc:
        raise httpx.ConnectError(f"{hostname}:{port}: {exc}") from exc
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if scheme == b"https":
            sock = context.wrap_socket(sock, server_hostname=hostname)
    except TimeoutError as exc:
        sock.close()
        raise httpx.ConnectTimeout(f"no TLS handshake with {hostname}:{port} in time") from exc
    except OSError as exc:
        sock.close()
        raise httpx.ConnectError(f"{hostname}:{port}: {exc}") from exc
    return _Connection(origin, sock)


class PooledTransport(httpx.BaseTransport):
    """An httpx transport keeping up to `max_connections` HTTP/1.1 connections.

    Honours every httpx timeout: connect, read, write, and pool (waiting for a free
    connection raises httpx.PoolTimeout). Proxies are not handled here: the clients use
    httpx's own transports when one is configured (see _transports.py).
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
        self._opened = 0  # connections open or being opened
        self._idle: dict[Origin, list[_Connection]] = {}
        self._all: set[_Connection] = set()
        self._changed = threading.Condition()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limits = timeouts(request)
        origin = origin_of(request.url)
        connection = self._acquire(origin, limits["pool"])
        try:
            if connection is None:
                connection = connect(origin, self._ssl, limits["connect"])
                with self._changed:
                    self._all.add(connection)
            head = connection.send(request, limits)
        except BaseException:
            self._discard(connection)
            raise
        return response(head, _Body(self, connection, limits["read"]))

    def _acquire(self, origin: Origin, pool_timeout: float | None) -> _Connection | None:
        """A warm connection for `origin`, or None: the caller may open one."""
        deadline = None if pool_timeout is None else time.monotonic() + pool_timeout
        with self._changed:
            while True:
                idle = self._idle.get(origin)
                now = time.monotonic()
                while idle:
                    connection = idle.pop()
                    if connection.usable(now):
                        return connection
                    self._drop(connection)
                if self._opened < self._max or self._close_other_idle(origin):
                    self._opened += 1
                    return None
                remaining = None if deadline is None else deadline - now
                if remaining is not None and remaining <= 0:
                    raise httpx.PoolTimeout("no connection became free in time")
                self._changed.wait(remaining)

    def _close_other_idle(self, origin: Origin) -> bool:
        for other, idle in self._idle.items():
            if other != origin and idle:
                self._drop(idle.pop())
                return True
        return False

    def _drop(self, connection: _Connection) -> None:
        """Close a connection and free its slot; the caller holds the lock."""
        connection.close()
        self._all.discard(connection)
        self._opened -= 1
        self._changed.notify()

    def _release(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        with self._changed:
            if connection in self._all:
                self._idle.setdefault(connection.origin, []).append(connection)
                self._changed.notify()
            else:
                connection.close()  # the pool was closed meanwhile

    def _discard(self, connection: _Connection | None) -> None:
        with self._changed:
            if connection is None:
                self._opened -= 1
                self._changed.notify()
            elif connection in self._all:
                self._drop(connection)
            else:
                connection.close()

    def close(self) -> None:
        with self._changed:
            connections, self._all, self._idle = self._all, set(), {}
            self._opened = 0
            self._changed.notify_all()
        for connection in connections:
            connection.close()


class _Body(httpx.SyncByteStream):
    """A response body read as it arrives; closing it gives the connection back or drops it."""

    def __init__(
        self, pool: PooledTransport, connection: _Connection, read_timeout: float | None
    ) -> None:
        self._pool, self._read_timeout = pool, read_timeout
        self._connection: _Connection | None = connection

    def __iter__(self) -> Iterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        while True:
            event = connection.next_event(self._read_timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise closed_early()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if reusable(connection.h11):
            self._pool._release(connection)
        else:
            self._pool._discard(connection)

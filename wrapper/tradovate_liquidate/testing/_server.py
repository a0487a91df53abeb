"""Serve a FakeTradovate over real HTTP/1.1 with keep-alive, from the standard library.

ThreadingHTTPServer (a thread per connection) holds the load this project needs: the
tests drive it at 100 concurrent connections, and it keeps the fake free of any
dependency beyond the standard library, so it travels with a vendored copy.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import _wire

if TYPE_CHECKING:
    from ._fake import FakeTradovate

IDLE_CONNECTION_SECONDS = 30.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    # Headers and body leave in separate writes; with Nagle on, each answer would wait for
    # the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True
    server: _Server
    timeout = IDLE_CONNECTION_SECONDS
    _date: float | None = None  # the fake server's clock for this answer's Date header

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            # Here, in the connection's thread, not in the accept loop: a slow or refusing
            # client then stalls only itself.
            self.request.do_handshake()
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def _serve(self) -> None:
        arrived = _wire.arrival()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        reply = self.server.fake.handle(
            self.command,
            path,
            body,
            authorization=self.headers.get("Authorization"),
            query=query,
            user_agent=self.headers.get("User-Agent"),
        )
        if reply.delay:
            # Wait on the server's stop event, so stop() does not hang on a slow answer.
            self.server.stopping.wait(_wire.left_to_wait(reply.delay, arrived))
        if reply.drop:
            self.close_connection = True
            return
        self._date = reply.date
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        if reply.status == 405:
            self.send_header("Allow", reply.allow)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def send_header(self, keyword: str, value: str) -> None:
        # The stdlib writes Date from this machine's clock; the fake's server has its own
        # (and may send none).
        if keyword.lower() == "date":
            if self._date is None:
                return
            from ._wire import http_date

            value = http_date(self._date)
        super().send_header(keyword, value)

    def __getattr__(self, name: str) -> Any:
        # The stdlib looks up do_<METHOD> and answers 501 when it is missing; the fake must
        # answer every method itself (405 for all but POST), as the real service does.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away: nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # silent: the fake's request log is `fake.requests`


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # the default of 5 refuses bursts of 100 new connections

    def __init__(
        self, fake: FakeTradovate, address: tuple[str, int], ssl_context: ssl.SSLContext | None
    ) -> None:
        super().__init__(address, _Handler)
        self.fake = fake
        self.ssl_context = ssl_context
        self.stopping = threading.Event()
        self.connections_accepted = 0
        self._open: set[socket.socket] = set()
        self._guard = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        if self.ssl_context is not None:
            connection = self.ssl_context.wrap_socket(
                connection, server_side=True, do_handshake_on_connect=False
            )
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up or refuses our certificate is not the fake's error

    def opened(self, connection: socket.socket) -> None:
        with self._guard:
            self.connections_accepted += 1
            self._open.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._guard:
            self._open.discard(connection)

    def open_connections(self) -> int:
        with self._guard:
            return len(self._open)

    def drop_all(self) -> None:
        with self._guard:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class FakeServer:
    """A FakeTradovate on a loopback port. `base_url` ends in /v1, like the real hosts."""

    def __init__(
        self,
        fake: FakeTradovate,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.fake = fake
        self._server = _Server(fake, (host, port), ssl_context)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __repr__(self) -> str:
        return f"<FakeServer {self.base_url}>"

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        scheme = "https" if self._server.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}/v1"

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start: 1 for any number of keep-alive calls."""
        return self._server.connections_accepted

    @property
    def open_connections(self) -> int:
        return self._server.open_connections()

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.drop_all()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

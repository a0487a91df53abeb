"""A loopback HTTPS server that can hold a request at a chosen phase of its exchange.

Phases, as the client lives them: "connect" (the TLS handshake has not been answered),
"send" (the request's head arrived, its body is not read), "wait" (the request was read,
no answer yet), "read" (the answer's head and half its body were sent). Every answer's
order id is the account id times 1,000 plus a counter, so a caller can tell its own
answer from another request's.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import ssl
import threading
from typing import Any

PHASES = ("connect", "send", "wait", "read")


class PhasedServer:
    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._lock = threading.Lock()
        self._hold: str | None = None
        self._holds_left = 0
        self.held = threading.Semaphore(0)  # released once per request that reached its hold
        self.release = threading.Event()
        self.requests: list[int] = []  # account ids, as their bodies were read
        self._counter = itertools.count(1)
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def hold(self, phase: str, count: int = 1) -> None:
        """Hold the next `count` requests (or connections, for "connect") at `phase`."""
        with self._lock:
            self._hold, self._holds_left = phase, count
            self.release.clear()

    def wait_held(self, count: int = 1, timeout: float = 10) -> None:
        for _ in range(count):
            if not self.held.acquire(timeout=timeout):
                raise AssertionError("the server never reached the phase to hold")

    def _reached(self, phase: str) -> None:
        with self._lock:
            if self._hold != phase or self._holds_left == 0:
                return
            self._holds_left -= 1
        self.held.release()
        self.release.wait(10)

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            self._sockets.append(raw)
            threading.Thread(target=self._connection, args=(raw,), daemon=True).start()

    def _connection(self, raw: socket.socket) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._reached("connect")
            with self._context.wrap_socket(raw, server_side=True) as conn:
                reader = conn.makefile("rb")
                while self._exchange(conn, reader):
                    pass

    def _exchange(self, conn: ssl.SSLSocket, reader: Any) -> bool:
        length = 0
        line = reader.readline()
        if not line:
            return False
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        self._reached("send")
        account = int(json.loads(reader.read(length))["accountId"])
        with self._lock:
            self.requests.append(account)
        self._reached("wait")
        body = json.dumps(
            {"failureReason": "Success", "orderId": account * 1000 + next(self._counter)}
        ).encode()
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        conn.sendall(head + body[: len(body) // 2])
        self._reached("read")
        conn.sendall(body[len(body) // 2 :])
        return True

    def close(self) -> None:
        self.release.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked on it
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(timeout=5)

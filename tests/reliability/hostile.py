"""A loopback server that misbehaves on purpose: it answers from a script of raw bytes.

Each answer is a list of (bytes, pause) pieces: the server sends a piece, waits, sends the
next. That is enough to trickle a head or a body, send a huge or compressed body, or
nest JSON past any parser's depth. It counts the requests it read.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

Piece = tuple[bytes, float]


def response(body: bytes, *, headers: dict[str, str] | None = None, status: int = 200) -> bytes:
    head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def trickled(data: bytes, every: float, step: int = 1) -> list[Piece]:
    return [(data[i : i + step], every) for i in range(0, len(data), step)]


class HostileServer:
    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = pieces
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def _serve(self) -> None:
        self._listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, rest = data.partition(b"\r\n\r\n")
                length = next(
                    (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                     if line.lower().startswith(b"content-length:")),
                    0,
                )  # fmt: skip
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests += 1
                for piece, pause in self.pieces:
                    if self._stop.is_set():
                        return
                    conn.sendall(piece)
                    if pause:
                        time.sleep(pause)
            except OSError:
                return  # the client gave up: that is the point of most tests here

    @contextmanager
    def running(self) -> Iterator[HostileServer]:
        serving = threading.Thread(target=self._serve, daemon=True)
        serving.start()
        try:
            yield self
        finally:
            self._stop.set()
            serving.join(5)
            for thread in self._threads:
                thread.join(5)
            self._listener.close()

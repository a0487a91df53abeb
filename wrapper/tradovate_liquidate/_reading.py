"""How large an answer may be, and reading one within that: no I/O.

An answer is read while it streams in, decompressed here with a bound on the output, so
a 300 MB body or a gzip bomb costs at most the limit in memory, never the whole answer.
Only the encodings this client asks for (ACCEPT_ENCODING) are read.
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from ._deadline import exceeded_message, passed

#: The liquidation answer: the vendor's largest legitimate one is a few KB (failureText
#: holds at most 8,192 characters), so 1 MiB leaves room and still bounds memory.
LIQUIDATION_ANSWER_LIMIT = 1 << 20
#: List reads (positions and orders of a busy account) are larger: 64 MiB.
LIST_ANSWER_LIMIT = 64 << 20
ACCEPT_ENCODING = "gzip, deflate"
#: A zlib header is 2 bytes: a "deflate" body that is not zlib fails within them. The
#: bytes fed before the first output (at most this many) are kept to start again as raw.
RAW_DEFLATE_PROBE = 64


class UnreadableAnswer(Exception):
    """The answer is larger than its limit, or in an encoding this client did not ask for."""


class BoundedBody:
    """Collects an answer's raw chunks, decompressed, refusing to hold more than `limit`."""

    __slots__ = ("_decompressor", "_head", "_limit", "_parts", "_size")

    def __init__(self, limit: int, content_encoding: str) -> None:
        encoding = content_encoding.strip().lower()
        self._head: bytes | None = None
        if encoding in ("", "identity"):
            self._decompressor = None
        elif encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._decompressor = zlib.decompressobj()
            # Servers send "deflate" as zlib (RFC 9110) or raw: like httpx, the first bytes
            # decide (see _inflate). Only what came before the choice is kept.
            self._head = b""
        else:
            raise UnreadableAnswer(f"an answer in Content-Encoding {encoding!r}, not asked for")
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> None:
        if self._decompressor is None:
            self._keep(raw)
            return
        self._inflate(raw)

    def finish(self) -> bytes:
        if self._decompressor is not None:
            self._keep(self._decompressor.flush())  # all input is in: only a small remainder
        return self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)

    def _inflate(self, raw: bytes) -> None:
        assert self._decompressor is not None
        head, fed = self._head, raw
        if head is not None:  # deflate, zlib or raw not yet known: kept to start again
            self._head = head + raw if len(head) + len(raw) < RAW_DEFLATE_PROBE else None
        try:
            # At most one byte past the limit comes out of each step, however much the
            # input would inflate to; what is left waits in unconsumed_tail.
            while raw:
                self._keep(self._decompressor.decompress(raw, self._limit - self._size + 1))
                raw = self._decompressor.unconsumed_tail
            if self._size:
                self._head = None  # zlib it is
        except zlib.error as exc:
            if head is not None and not self._size:  # no zlib header: raw deflate
                self._decompressor, self._head = zlib.decompressobj(-zlib.MAX_WBITS), None
                self._inflate(head + fed)
                return
            raise UnreadableAnswer(f"the answer's compressed body is corrupt ({exc})") from None

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise UnreadableAnswer(f"an answer larger than {self._limit:,} bytes")
        if data:
            self._parts.append(data)


class AnswerReader:
    """The rules of reading one streamed answer, for both drivers, which only fetch its
    chunks (read_bounded in _sync_support.py/_async_support.py):

    an answer already in hand is only measured; each chunk is kept within `max_bytes`
    decompressed and the read ends once the `deadline` (a monotonic time) has passed;
    `seconds` (the deadline as configured) is for the message. What went wrong is raised
    as the httpx error the protocol classifies (DecodingError, ReadTimeout).
    """

    __slots__ = ("_body", "_deadline", "_response", "_seconds")

    def __init__(
        self, response: httpx.Response, max_bytes: int, deadline: float, seconds: float
    ) -> None:
        self._response = response
        self._deadline = deadline
        self._seconds = seconds
        if response.is_stream_consumed:  # the transport answered with bytes in hand
            self._measure(BoundedBody(max_bytes, "").feed, response.content)
            self._body = None
        else:
            encoding = response.headers.get("content-encoding", "")
            self._body = self._measure(BoundedBody, max_bytes, encoding)

    @property
    def streaming(self) -> bool:
        return self._body is not None

    def feed(self, chunk: bytes) -> None:
        assert self._body is not None
        self._measure(self._body.feed, chunk)
        if passed(self._deadline):
            raise httpx.ReadTimeout(exceeded_message(self._seconds))

    def finish(self) -> httpx.Response:
        if self._body is not None:
            # What httpx's own Response.read() does once it has the whole body.
            self._response._content = self._measure(self._body.finish)
        return self._response

    def _measure(self, step: Any, *args: Any) -> Any:
        try:
            return step(*args)
        except UnreadableAnswer as exc:
            raise httpx.DecodingError(str(exc), request=self._response.request) from None

"""AiohttpTransport: the async client's opt-in connection layer, aiohttp's (C-parsed) HTTP/1.1.

Chosen only by `AsyncLiquidationClient(http_backend="aiohttp")`, which needs the extra
`tradovate-liquidate[aiohttp]`; never switched on because aiohttp happens to be installed.
aiohttp's errors are mapped to httpx's so the call's rules stay the same: only a failure
to connect counts as "nothing was sent"; anything else after that point is unknown.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ._http11 import DEFAULT_MAX_CONNECTIONS, KEEPALIVE_EXPIRY, READ_SIZE, origin_of, timeouts

try:
    import aiohttp
except ImportError:  # pragma: no cover - reported when the backend is asked for
    aiohttp = None  # type: ignore[assignment]

EXTRA_HINT = "install it with: pip install 'tradovate-liquidate[aiohttp]'"


@contextmanager
def _mapped(sent: bool) -> Iterator[None]:
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out") from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc)) from exc
    except (aiohttp.SocketTimeoutError, TimeoutError) as exc:
        raise httpx.ReadTimeout(str(exc) or "read timed out") from exc
    except (aiohttp.ClientError, OSError) as exc:
        kind = httpx.ReadError if sent else httpx.WriteError
        raise kind(str(exc) or type(exc).__name__) from exc


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx's transport interface over one aiohttp session, with httpx's four timeouts.

    The pool wait is bounded here (a semaphore, httpx.PoolTimeout) rather than inside
    aiohttp, whose connect timeout would not tell a full pool from an unreachable host.
    """

    def __init__(
        self, context: ssl.SSLContext, max_connections: int = DEFAULT_MAX_CONNECTIONS
    ) -> None:
        if aiohttp is None:
            raise ImportError(f"http_backend='aiohttp' needs aiohttp: {EXTRA_HINT}")
        self._ssl = context
        self._max = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        # Made inside the running loop, on first use: aiohttp binds a session to its loop.
        if self._session is None or self._slots is None:
            connector = aiohttp.TCPConnector(
                limit=self._max, ssl=self._ssl, keepalive_timeout=KEEPALIVE_EXPIRY
            )
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
            )
            self._slots = asyncio.Semaphore(self._max)
        return self._session, self._slots

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin_of(request.url)  # refuses schemes other than http and https
        limits = timeouts(request)
        session, slots = self._open()
        try:
            async with asyncio.timeout(limits["pool"]):
                await slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection became free in time") from None
        try:
            answer = await self._send(session, request, limits)
        except BaseException:
            slots.release()
            raise
        return httpx.Response(
            status_code=answer.status,
            headers=list(answer.raw_headers),
            stream=_Body(answer, slots),
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (answer.reason or "").encode("ascii", "replace"),
            },
        )

    async def _send(
        self, session: aiohttp.ClientSession, request: httpx.Request, limits: dict[str, Any]
    ) -> aiohttp.ClientResponse:
        body = await request.aread()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=limits["connect"], sock_read=limits["read"]
        )
        with _mapped(sent=True):
            return await session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


class _Body(httpx.AsyncByteStream):
    def __init__(self, answer: aiohttp.ClientResponse, slots: asyncio.Semaphore) -> None:
        self._answer: aiohttp.ClientResponse | None = answer
        self._slots = slots

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._answer is None:
            return
        with _mapped(sent=True):
            async for chunk in self._answer.content.iter_chunked(READ_SIZE):
                yield chunk

    async def aclose(self) -> None:
        answer, self._answer = self._answer, None
        if answer is not None:
            answer.release()
            self._slots.release()

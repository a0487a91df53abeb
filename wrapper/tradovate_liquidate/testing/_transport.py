"""Serve a FakeTradovate in-process to httpx.Client and httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

from . import _wire

if TYPE_CHECKING:
    from ._fake import FakeTradovate
    from ._wire import Reply


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Hands each request to the fake and turns its Reply into what httpx would see.

    A delay longer than the request's read timeout ends in httpx.ReadTimeout, and a
    dropped connection in httpx.RemoteProtocolError, exactly as over a socket; in both
    cases the fake has already acted on the request.
    """

    def __init__(self, fake: FakeTradovate) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        arrived = _wire.arrival()
        reply = self._reply(request, request.read())
        wait, timed_out = _wait(reply, request, arrived)
        time.sleep(wait)
        return _finish(reply, request, timed_out)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        arrived = _wire.arrival()
        reply = self._reply(request, await request.aread())
        wait, timed_out = _wait(reply, request, arrived)
        await asyncio.sleep(wait)
        return _finish(reply, request, timed_out)

    def _reply(self, request: httpx.Request, body: bytes) -> Reply:
        authorization = request.headers.get("authorization")
        return self.fake.handle(
            request.method,
            request.url.path,
            body,
            authorization=authorization,
            query=request.url.query.decode("ascii", "replace"),
            user_agent=request.headers.get("user-agent"),
        )


def _wait(reply: Reply, request: httpx.Request, arrived: float) -> tuple[float, bool]:
    """How long to wait from now (the delay counts from `arrived`: see _wire.left_to_wait),
    and whether the read timeout ends the wait first.

    Whether it does is decided by the delay alone, not by how long the fake took: here
    the fake runs in the test's own process, so a pause of that process (a collector
    pass, a loaded machine) would otherwise end a call with a 50 ms timeout at random.
    Over a socket, a fake slower than the read timeout does time the client out."""
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if read_timeout is not None and reply.delay > read_timeout:
        return _wire.left_to_wait(read_timeout, arrived), True
    return _wire.left_to_wait(reply.delay, arrived), False


def _finish(reply: Reply, request: httpx.Request, timed_out: bool) -> httpx.Response:
    if timed_out:
        raise httpx.ReadTimeout("The read operation timed out", request=request)
    if reply.drop:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    from ._wire import http_date

    headers = {"content-type": reply.content_type} if reply.content_type else {}
    if reply.date is not None:
        headers["date"] = http_date(reply.date)
    return httpx.Response(reply.status, headers=headers, content=reply.body, request=request)

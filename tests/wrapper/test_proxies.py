"""Proxies and trust_env behave as httpx documents, whichever connection layer is in use."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tradovate_liquidate.testing import FakeServer, FakeTradovate

from .conftest import ACCOUNT, CONTRACT, Harness

# Calls here repeat one target to test the session or the transport, not what a
# pending target does: the clients decide on the answer alone.
pytestmark = pytest.mark.answer_only


class _Proxy(ThreadingHTTPServer):
    """A loopback HTTP proxy that answers every request itself and records its target."""

    daemon_threads = True
    targets: list[str]


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _Proxy

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.targets.append(self.path)
        body = json.dumps({"failureReason": "Success", "orderId": 424242}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[_Proxy]:
    server = _Proxy(("127.0.0.1", 0), _ProxyHandler)
    server.targets = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def _url(proxy: _Proxy) -> str:
    return f"http://127.0.0.1:{proxy.server_address[1]}"


def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_the_proxy_variables_are_used_when_trust_env_is_true(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    server: FakeServer,
    proxy: _Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_environment(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", _url(proxy))
    result = harness.liquidate({"token": token, "base_url": server.base_url}, ACCOUNT, CONTRACT)
    assert result.order_id == 424242
    assert proxy.targets == [server.base_url + "/order/liquidateposition"]
    assert fake.requests == [], "the request went through the proxy, not straight to the host"


def test_trust_env_false_ignores_the_proxy_variables(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    server: FakeServer,
    proxy: _Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_environment(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", _url(proxy))
    kwargs = {"token": token, "base_url": server.base_url, "trust_env": False}
    assert harness.liquidate(kwargs, ACCOUNT, CONTRACT).order_id == fake.placed[0].order_id
    assert proxy.targets == []


def test_no_proxy_sends_that_host_straight(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    server: FakeServer,
    proxy: _Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_environment(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", _url(proxy))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = harness.liquidate({"token": token, "base_url": server.base_url}, ACCOUNT, CONTRACT)
    assert result.order_id == fake.placed[0].order_id
    assert proxy.targets == []


def test_a_proxy_argument_is_used_whatever_the_environment_says(
    harness: Harness,
    fake: FakeTradovate,
    token: str,
    server: FakeServer,
    proxy: _Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_environment(monkeypatch)
    kwargs = {"token": token, "base_url": server.base_url, "proxy": _url(proxy)}
    assert harness.liquidate(kwargs, ACCOUNT, CONTRACT).order_id == 424242
    assert len(proxy.targets) == 1
    assert fake.requests == []


def test_a_cookie_a_server_sets_is_never_sent_back(harness: Harness) -> None:
    """The API authenticates by token: the client replays no state a server hands it."""
    import httpx

    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(
            200,
            json={"failureReason": "Success", "orderId": len(seen)},
            headers={"set-cookie": "session=tracked; Path=/"},
        )

    def twice(client: Any) -> Any:
        if harness.kind == "sync":
            return [client.liquidate_position(ACCOUNT, CONTRACT) for _ in range(2)]

        async def calls() -> list[Any]:
            return [await client.liquidate_position(ACCOUNT, CONTRACT) for _ in range(2)]

        return calls()

    transport = httpx.MockTransport(answer)
    results = harness.run({"token": "t", "transport": transport}, twice)
    assert [result.order_id for result in results] == [1, 2]
    assert seen == [None, None]


def test_set_cookie_is_not_even_read(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx wraps each answer in urllib.request objects to read Set-Cookie; the client
    keeps no cookie, so it skips that work (about a sixth of a call's CPU, make bench)."""
    import urllib.request

    import httpx

    wrapped: list[str] = []
    original = urllib.request.Request.__init__

    def counting(self: urllib.request.Request, url: str, *args: Any, **kwargs: Any) -> None:
        wrapped.append(url)
        original(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.Request, "__init__", counting)
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, json={"failureReason": "Success", "orderId": 5}, headers={"set-cookie": "a=b"}
        )
    )
    result = harness.liquidate({"token": "t", "transport": transport}, ACCOUNT, CONTRACT)
    assert result.order_id == 5
    assert wrapped == []

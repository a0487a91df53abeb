"""Which connection layer a client gets: the pools, httpx's own transports, or aiohttp.

- No proxy configured: this package's pools (_pool.py, _async_pool.py), built on h11.
- A proxy configured (`proxy=`, or HTTP(S)_PROXY / ALL_PROXY when trust_env is true):
  httpx's own transports, so proxies, NO_PROXY and trust_env behave as httpx documents.
- `http_backend="aiohttp"` (async only, the extra `tradovate-liquidate[aiohttp]`).

TLS settings are built here, when the client is built: a bad CA path fails at once.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

if TYPE_CHECKING:
    import ssl

# Everything else is imported when a client is built: h11, urllib.request and the pools
# would cost every `import tradovate_liquidate` several milliseconds.
HTTP_BACKENDS = ("httpx", "aiohttp")
_Client = TypeVar("_Client", httpx.Client, httpx.AsyncClient)


class NoCookies(CookieJar):
    """A cookie jar that keeps nothing.

    The API authenticates by token; a cookie a server sets is never needed, and a token
    holder should not collect state it will replay. See also without_cookie_reading.
    """

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass

    def set_cookie(self, cookie: Any) -> None:
        pass


def without_cookie_reading(client: _Client) -> _Client:
    """The client, told not to read Set-Cookie at all.

    httpx wraps every answer and its request in urllib.request objects before it asks
    the jar whether to keep a cookie, and that wrapping alone was about a sixth of a
    call's CPU (make bench, per-call in-process: 1.12 -> 0.95 of raw httpx). NoCookies
    would throw the cookie away anyway, so nothing the client sees changes.
    """
    client.cookies.extract_cookies = _read_no_cookies  # type: ignore[method-assign]
    return client


def _read_no_cookies(response: httpx.Response) -> None:
    pass


def proxy_configured(proxy: object, trust_env: bool) -> bool:
    """True when httpx would send requests through a proxy (httpx reads the same variables)."""
    if proxy is not None:
        return True
    if not trust_env:
        return False
    import urllib.request

    found = urllib.request.getproxies()
    return any(found.get(scheme) for scheme in ("http", "https", "all"))


def check_injected_http(http_client: object, transport: object, expected: type) -> None:
    if http_client is None:
        return
    if transport is not None:
        raise ValueError("transport, http_client: give one or the other, not both")
    if not isinstance(http_client, expected):
        kind = type(http_client).__name__
        raise TypeError(f"http_client: expected an httpx.{expected.__name__}, not {kind}")


def check_backend(http_backend: object, injected: bool) -> str:
    if http_backend not in HTTP_BACKENDS:
        raise ValueError(f"http_backend: must be 'httpx' or 'aiohttp', not {http_backend!r}")
    if injected and http_backend != "httpx":
        raise ValueError("http_backend: give it or transport/http_client, not both")
    return str(http_backend)


def sync_http(
    transport: httpx.BaseTransport | None,
    *,
    verify: bool | str | ssl.SSLContext,
    trust_env: bool,
    proxy: Any,
    timeout: httpx.Timeout,
    headers: dict[str, str],
) -> httpx.Client:
    common = _common(timeout, trust_env, headers)
    if transport is not None:
        return without_cookie_reading(httpx.Client(transport=transport, **common))
    from ._http11 import ssl_context

    context = ssl_context(verify, trust_env)
    if proxy_configured(proxy, trust_env):
        return without_cookie_reading(httpx.Client(proxy=proxy, verify=context, **common))
    from ._pool import PooledTransport

    pooled = PooledTransport(context, trust_env=trust_env)
    return without_cookie_reading(httpx.Client(transport=pooled, **common))


def async_http(
    transport: httpx.AsyncBaseTransport | None,
    *,
    verify: bool | str | ssl.SSLContext,
    trust_env: bool,
    proxy: Any,
    timeout: httpx.Timeout,
    headers: dict[str, str],
    http_backend: str,
) -> httpx.AsyncClient:
    common = _common(timeout, trust_env, headers)
    if transport is not None:
        return without_cookie_reading(httpx.AsyncClient(transport=transport, **common))
    from ._http11 import ssl_context

    context = ssl_context(verify, trust_env)
    if proxy_configured(proxy, trust_env):
        return without_cookie_reading(httpx.AsyncClient(proxy=proxy, verify=context, **common))
    if http_backend == "aiohttp":
        from ._aiohttp import AiohttpTransport

        chosen: httpx.AsyncBaseTransport = AiohttpTransport(context)
    else:
        from ._async_pool import AsyncPooledTransport

        chosen = AsyncPooledTransport(context, trust_env=trust_env)
    return without_cookie_reading(httpx.AsyncClient(transport=chosen, **common))


def _common(timeout: httpx.Timeout, trust_env: bool, headers: dict[str, str]) -> dict[str, Any]:
    return {"timeout": timeout, "trust_env": trust_env, "cookies": NoCookies(), "headers": headers}

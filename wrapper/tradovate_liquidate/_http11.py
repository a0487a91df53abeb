"""What the sync and the async connection pools share: HTTP/1.1 through h11, TLS, settings.

h11 is sans-I/O: it turns requests into bytes and bytes into responses and never touches a
socket, so both pools drive the same state machine and differ only in how they wait.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import h11
import httpx

#: Connections one client keeps open at most (as httpx's default pool).
DEFAULT_MAX_CONNECTIONS = 100
#: An idle connection older than this is closed rather than reused (httpx's default): a
#: server that closes idle connections first would otherwise meet our next request.
KEEPALIVE_EXPIRY = 5.0
#: The most an answer's status line and headers may take (h11's default is 16 KiB).
MAX_HEAD_BYTES = 64 * 1024
READ_SIZE = 64 * 1024

Origin = tuple[bytes, bytes, int]
_DEFAULT_PORTS = {b"http": 80, b"https": 443}


def origin_of(url: httpx.URL) -> Origin:
    scheme = url.raw_scheme
    if scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
    return scheme, url.raw_host, url.port or _DEFAULT_PORTS[scheme]


def timeouts(request: httpx.Request) -> dict[str, float | None]:
    """The request's connect/read/write/pool timeouts, as httpx's own transports read them."""
    given = request.extensions.get("timeout", {})
    return {name: given.get(name) for name in ("connect", "read", "write", "pool")}


def request_bytes(connection: h11.Connection, request: httpx.Request, body: bytes) -> bytes:
    """The whole request (head and body) as one write: one packet for a small request."""
    head = h11.Request(
        method=request.method,
        target=request.url.raw_path,
        headers=request.headers.raw,
    )
    parts = [connection.send(head)]
    if body:
        parts.append(connection.send(h11.Data(data=body)))
    parts.append(connection.send(h11.EndOfMessage()))
    return b"".join(part for part in parts if part)


def new_h11() -> h11.Connection:
    return h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)


def reusable(connection: h11.Connection) -> bool:
    """True when a request/answer cycle ended cleanly and the server keeps the connection."""
    if connection.our_state is h11.DONE and connection.their_state is h11.DONE:
        connection.start_next_cycle()
        return True
    return False


def response(event: h11.Response, stream: Any) -> httpx.Response:
    return httpx.Response(
        status_code=event.status_code,
        headers=event.headers.raw_items(),
        stream=stream,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason},
    )


@contextmanager
def protocol_errors() -> Iterator[None]:
    """h11's errors in httpx's terms, as httpcore maps them."""
    try:
        yield
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except h11.LocalProtocolError as exc:
        raise httpx.LocalProtocolError(str(exc) or type(exc).__name__) from exc


def closed_early() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a complete response.")


def ssl_context(verify: bool | str | ssl.SSLContext, trust_env: bool = True) -> ssl.SSLContext:
    """The TLS settings, built now: a bad CA path fails here, naming the path.

    `verify` is True (the system's CA bundle as httpx finds it), False (no checks), a CA
    file or folder path, or an ssl.SSLContext used as given.
    """
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        return _default_context(
            os.environ.get("SSL_CERT_FILE") if trust_env else None,
            os.environ.get("SSL_CERT_DIR") if trust_env else None,
        )
    if verify is False:
        return httpx.create_ssl_context(verify=False)
    if isinstance(verify, str):
        return _context_from_path(verify)
    raise TypeError(f"verify: expected a bool, a path or an ssl.SSLContext, not {type(verify)}")


@functools.lru_cache(maxsize=4)
def _default_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # Loading the CA bundle takes about 30 ms: done once per process and setting, and shared
    # (an SSLContext may serve any number of connections and threads).
    if cert_file:
        return _context_from_path(cert_file, "SSL_CERT_FILE")
    if cert_dir:
        return _context_from_path(cert_dir, "SSL_CERT_DIR")
    return httpx.create_ssl_context(verify=True, trust_env=False)


def _context_from_path(path: str, name: str = "verify") -> ssl.SSLContext:
    try:
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        return ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"{name}: cannot load CA certificates from {path!r}: {reason}") from None

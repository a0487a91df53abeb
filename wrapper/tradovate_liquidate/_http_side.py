"""What a client does at the HTTP edge: its httpx client, URLs, headers, request limits
and the request log. Part of ClientBase (the drivers call these for every request), kept
apart so the protocol's side of ClientBase stays readable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._config import user_agent_headers
from ._deadline import request_limits
from ._reading import ACCEPT_ENCODING
from ._transports import check_backend, check_injected_http

if TYPE_CHECKING:
    from ._steps import Outcome, Request

logger = logging.getLogger("tradovate_liquidate")
MAX_CACHED_URLS = 64
_NO_AUTH = {"Accept-Encoding": ACCEPT_ENCODING}


class HttpSide:
    """The HTTP edge of ClientBase, which sets every attribute used here."""

    _base_url: str
    _base_path: str
    _token_source: Any
    _fixed_token: str | None
    _urls: dict[str, httpx.URL]
    _auth: tuple[str | None, dict[str, str]]
    timeout: httpx.Timeout
    deadline: float

    def _http_client(
        self,
        new_client: Callable[..., Any],
        kind: type,
        transport: object,
        http_client: object,
        *,
        user_agent: object,
        http_backend: object,
        **options: Any,
    ) -> tuple[Any, bool]:
        """The httpx client to send with, and whether this client owns (and closes) it."""
        check_injected_http(http_client, transport, kind)
        headers = user_agent_headers(user_agent, http_client)
        backend = check_backend(http_backend, transport is not None or http_client is not None)
        if http_client is not None:
            return http_client, False
        headers = self._own_client_headers(headers)
        client = new_client(
            transport, timeout=self.timeout, headers=headers, http_backend=backend, **options
        )
        return client, True

    def _own_client_headers(self, headers: dict[str, str]) -> dict[str, str]:
        """Headers for an httpx client this client makes: with a fixed token, the token's
        header is set there once, and a request adds no headers of its own (httpx merges
        per-request headers into a new set on every call)."""
        headers = {**headers, **_NO_AUTH}
        if isinstance(self._token_source, str):
            headers["Authorization"] = f"Bearer {self._token_source}"
            self._fixed_token = self._token_source
        return headers

    def _url(self, path: str) -> httpx.URL:
        """The URL of an operation's path, parsed once: httpx parses a string URL (and
        checks its host) on every request, about a tenth of an async call's CPU."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self._base_url + path)
            if len(self._urls) < MAX_CACHED_URLS:  # the spec's paths are fixed and few
                self._urls[path] = url
        return url

    def _target(self, request: Request) -> httpx.URL:
        """The request's URL with its query. A query of ids alone (every read's) is
        written here as httpx would write it: httpx checks a query character by
        character, a third of a 100-account ldeps read's CPU."""
        url = self._url(request.path)
        if not request.params:
            return url
        query = id_query(request.params)
        if query is None:
            return url.copy_merge_params(request.params)
        return url.copy_with(query=query.encode("ascii"))

    def _limits(self, request: Request, timeout: httpx.Timeout) -> tuple[float, httpx.Timeout]:
        return request_limits(request.deadline, self.deadline, timeout)

    def _auth_headers(self, request: Request, token: str | None) -> dict[str, str] | None:
        """The request's own headers: its token (or this client's), cached; None when the
        httpx client already sends them (see _own_client_headers).

        One dict per token, not per call: a batch of thousands sends the same one. The
        pair is replaced whole, so threads never see one token's header under another.
        """
        if not request.bearer:
            return _NO_AUTH
        bearer = request.token or token
        if not bearer:
            return _NO_AUTH
        if bearer == self._fixed_token:
            return None
        cached = self._auth
        if cached[0] != bearer:
            cached = (
                bearer,
                {"Authorization": f"Bearer {bearer}", "Accept-Encoding": ACCEPT_ENCODING},
            )
            self._auth = cached
        return cached[1]

    def _log(self, request: Request, outcome: Outcome, started: float) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        status = (
            outcome.status_code if isinstance(outcome, httpx.Response) else type(outcome).__name__
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        method, path = request.method, self._base_path + request.path
        logger.debug(
            "%s %s -> %s in %.1f ms",
            method,
            path,
            status,
            elapsed_ms,
            extra={"method": method, "path": path, "status": status, "elapsed_ms": elapsed_ms},
        )


def id_query(params: dict[str, Any]) -> str | None:
    """`name=1&name=2&...` for params of ints and lists of ints under plain names; None
    for anything else (httpx then encodes it). bool is refused: httpx writes "true"."""
    parts = []
    for name, value in params.items():
        if not (name.isascii() and name.isalnum()):
            return None
        for item in value if type(value) is list else (value,):
            if type(item) is not int:
                return None
            parts.append(f"{name}={item}")
    return "&".join(parts)

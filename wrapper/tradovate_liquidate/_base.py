"""What the sync and the async client share: checked settings, requests, logging."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._arguments import liquidation_request
from ._batch import Batch
from ._config import (
    MAX_PENALTY_ROUNDS,
    check_byte_limit,
    check_non_negative,
    check_positive,
    check_timeout,
    check_token,
    resolve_base_url,
    token_from_environment,
)
from ._exceptions import AuthenticationError
from ._gate import PenaltyGate
from ._policy import Policy, liquidation_steps
from ._reading import ACCEPT_ENCODING
from ._result import LiquidationResult
from ._steps import Outcome, Request, Steps

logger = logging.getLogger("tradovate_liquidate")


class ClientBase:
    def __init__(
        self,
        token: object,
        *,
        environment: str,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        connect_retries: int,
        connect_backoff: float,
        max_penalty_wait: float,
        deadline: float,
        max_answer_bytes: int,
    ) -> None:
        token = token_from_environment(token)
        self._token_source: Any = token if callable(token) else check_token(token)
        self.base_url = resolve_base_url(environment, base_url)
        self._base_path = urlsplit(self.base_url).path  # logged paths are the server's
        self.timeout = check_timeout(timeout)
        self.deadline = check_positive(deadline, "deadline")
        self._policy = Policy(
            connect_retries=int(check_non_negative(connect_retries, "connect_retries", int)),
            connect_backoff=check_non_negative(connect_backoff, "connect_backoff"),
            max_penalty_wait=check_non_negative(max_penalty_wait, "max_penalty_wait"),
            max_penalty_rounds=MAX_PENALTY_ROUNDS,
            token_refreshable=callable(token),
            answer_limit=check_byte_limit(max_answer_bytes, "max_answer_bytes"),
        )
        self._gate = PenaltyGate()
        self._auth: tuple[str | None, dict[str, str]] = (None, {})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}>"

    def _call_timeout(self, timeout: object) -> httpx.Timeout:
        return self.timeout if timeout is None else check_timeout(timeout)

    def _liquidation(
        self,
        account_id: object,
        contract_id: object,
        admin: object,
        custom_tag: object,
        is_automated: object,
        timeout: object,
    ) -> tuple[Steps[LiquidationResult], httpx.Timeout]:
        """One liquidation's steps; every argument is checked here, before anything is sent."""
        body = liquidation_request(account_id, contract_id, admin, custom_tag, is_automated)
        timeout_ = self._call_timeout(timeout)
        return liquidation_steps(self._policy, body), timeout_

    def _batch(
        self,
        targets: Any,
        concurrency: object,
        on_progress: object,
        admin: object,
        custom_tag: object,
        is_automated: object,
        timeout: object,
    ) -> Batch:
        """A checked batch; the shared keywords are checked once, before anything is sent."""
        liquidation_request(1, 1, admin, custom_tag, is_automated)
        self._call_timeout(timeout)
        options = {
            "admin": admin,
            "custom_tag": custom_tag,
            "is_automated": is_automated,
            "timeout": timeout,
        }
        return Batch(targets, concurrency, on_progress, options)

    def _auth_headers(self, token: str) -> dict[str, str]:
        # One dict per token, not per call: a batch of thousands sends the same one. The
        # pair is replaced whole, so threads never see one token's header under another.
        cached = self._auth
        if cached[0] != token:
            cached = (
                token,
                {"Authorization": f"Bearer {token}", "Accept-Encoding": ACCEPT_ENCODING},
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


def check_injected_http(http_client: object, transport: object, expected: type) -> None:
    if http_client is None:
        return
    if transport is not None:
        raise ValueError("transport, http_client: give one or the other, not both")
    if not isinstance(http_client, expected):
        kind = type(http_client).__name__
        raise TypeError(f"http_client: expected an httpx.{expected.__name__}, not {kind}")


def bad_token_source(exc: BaseException) -> AuthenticationError:
    # The exception's text is left out: a token source's message may quote the token.
    return AuthenticationError(f"token: the token callable raised {type(exc).__name__}")


def log_wait(reason: str, seconds: float) -> None:
    logger.warning("%s: waiting %.2f s before sending again", reason, seconds)

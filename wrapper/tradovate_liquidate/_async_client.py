"""AsyncLiquidationClient: the asyncio client, with the same rules as LiquidationClient."""

from __future__ import annotations

import asyncio
import inspect
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any

import httpx

from ._base import ClientBase, bad_token_source, check_injected_http, log_wait
from ._batch import DEFAULT_CONCURRENCY, ProgressCallback, run_tasks
from ._batch import Outcome as BatchOutcome
from ._config import (
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_TIMEOUT,
    check_token,
)
from ._policy import Outcome, Penalty, RefreshToken, Send, Sleep, liquidation_steps
from ._result import LiquidationResult
from ._transports import async_http, check_backend


class AsyncLiquidationClient(ClientBase):
    """The asyncio twin of LiquidationClient: the same arguments, rules and errors.

        async with AsyncLiquidationClient(token=..., environment="demo") as client:
            result = await client.liquidate_position(account_id, contract_id)

    `token` may also be a callable returning an awaitable (an async token renewer).
    `transport` takes an httpx.AsyncBaseTransport, `http_client` an httpx.AsyncClient.
    """

    def __init__(
        self,
        token: str | Callable[[], str] | Callable[[], Awaitable[str]] | None = None,
        *,
        environment: str = "demo",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        connect_backoff: float = DEFAULT_CONNECT_BACKOFF,
        max_penalty_wait: float = DEFAULT_MAX_PENALTY_WAIT,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        trust_env: bool = True,
        proxy: httpx.Proxy | str | None = None,
        http_backend: str = "httpx",
    ) -> None:
        super().__init__(
            token,
            environment=environment,
            base_url=base_url,
            timeout=timeout,
            connect_retries=connect_retries,
            connect_backoff=connect_backoff,
            max_penalty_wait=max_penalty_wait,
        )
        check_injected_http(http_client, transport, httpx.AsyncClient)
        backend = check_backend(http_backend, transport is not None or http_client is not None)
        self._owns_http = http_client is None
        self._http = http_client or async_http(
            transport,
            verify=verify,
            trust_env=trust_env,
            proxy=proxy,
            timeout=self.timeout,
            http_backend=backend,
        )

    async def liquidate_position(
        self,
        account_id: int,
        contract_id: int,
        *,
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
        timeout: float | httpx.Timeout | None = None,
    ) -> LiquidationResult:
        """See LiquidationClient.liquidate_position: the same arguments, result and errors."""
        fields, timeout_ = self._prepare(
            account_id, contract_id, admin, custom_tag, is_automated, timeout
        )
        steps = liquidation_steps(self._policy, fields["account_id"], fields["contract_id"])
        token = await self._token()
        step = next(steps)
        try:
            while True:
                if isinstance(step, Send):
                    await self._wait_for_gate()
                    step = steps.send(await self._send(fields, step.ticket, token, timeout_))
                elif isinstance(step, Sleep):
                    log_wait("no connection", step.seconds)
                    await asyncio.sleep(step.seconds)
                    step = next(steps)
                elif isinstance(step, Penalty):
                    log_wait("time penalty", step.seconds)
                    self._gate.close_for(step.seconds)
                    step = next(steps)
                elif isinstance(step, RefreshToken):
                    token = await self._token()
                    step = next(steps)
        except StopIteration as done:
            result: LiquidationResult = done.value
            return result

    async def liquidate_many(
        self,
        targets: Iterable[Any],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
        timeout: float | httpx.Timeout | None = None,
    ) -> list[BatchOutcome]:
        """See LiquidationClient.liquidate_many: the same arguments, checks and outcomes.

        The calls run as asyncio tasks, `concurrency` of them at a time.
        """
        batch = self._batch(
            targets, concurrency, on_progress, admin, custom_tag, is_automated, timeout
        )
        await run_tasks(batch, lambda arguments: self.liquidate_position(**arguments))
        return batch.outcomes()

    async def _send(
        self, fields: dict[str, Any], ticket: str | None, token: str, timeout: httpx.Timeout
    ) -> Outcome:
        method, url, body, headers = self._request_args(fields, ticket, token)
        started = time.perf_counter()
        outcome: Outcome
        try:
            outcome = await self._http.request(
                method, url, json=body, headers=headers, timeout=timeout, follow_redirects=False
            )
        except httpx.RequestError as exc:
            outcome = exc
        self._log(method, url, outcome, started)
        return outcome

    async def _wait_for_gate(self) -> None:
        while (remaining := self._gate.remaining()) > 0:
            await asyncio.sleep(remaining)

    async def _token(self) -> str:
        if isinstance(self._token_source, str):
            return self._token_source
        try:
            token = self._token_source()
            if inspect.isawaitable(token):
                token = await token
        except Exception as exc:
            raise bad_token_source(exc) from None
        return check_token(token)

    async def aclose(self) -> None:
        """Close the connections this client opened (not an http_client you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncLiquidationClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

"""AsyncLiquidationClient: the asyncio driver of the protocol in _policy.py.

This file is the source of both clients: tools/unasync.py writes _client.py
(LiquidationClient) from it, as httpcore does with its unasync script, so the two
cannot drift. Keep the differences between them in _async_support.py/_sync_support.py.
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._async_pool import AsyncPooledTransport
from ._async_support import TokenSource, current_token, pause, run_batch
from ._base import ClientBase, Clock, check_injected_http, log_wait
from ._batch import DEFAULT_CONCURRENCY, ProgressCallback
from ._batch import Outcome as BatchOutcome
from ._config import (
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_TIMEOUT,
)
from ._result import LiquidationResult
from ._steps import Outcome, Penalty, RefreshToken, Request, Send, Sleep, Steps, T
from ._verify import DEFAULT_FLAT_TIMEOUT, DEFAULT_SETTLE_TIMEOUT

if TYPE_CHECKING:
    from tradovate_api.models import Order, Position


class AsyncLiquidationClient(ClientBase):
    """Flattens positions on Tradovate through POST /order/liquidateposition.

        async with AsyncLiquidationClient(token=..., environment="demo") as client:
            result = await client.liquidate_position(account_id, contract_id)
            result.order_id

    `token` is a string, or a zero-argument callable returning the current token (tokens
    expire after about 80-90 minutes; a callable lets a long-running caller renew them
    without a new client). When None, TRADOVATE_ACCESS_TOKEN is read. After a 401 a
    callable is asked once more and the request resent once: a 401 was not processed.

    `environment` is "demo" (the default) or "live"; live is only ever used when named.
    `base_url` overrides both; plain http:// is refused unless the host is loopback.
    `timeout` is seconds or an httpx.Timeout (default DEFAULT_TIMEOUT, finite).
    `verify` is passed to httpx: TLS certificates are checked unless you say otherwise.
    `transport` or `http_client` inject httpx pieces, for example
    `FakeTradovate().transport()` in tests; a client you pass in is yours to close.
    Redirects are never followed, so the token goes only to the configured host.

    An uncertain answer is verified from the server's records within `settle_timeout`
    seconds (see _verify.py); `verify_outcome=False` turns that off (and the pending
    checks with it). `flat_timeout` bounds confirm=True. `pending_file` keeps unsettled
    targets across processes (the CLI's state file). `clock` (time() and sleep()) is for
    tests: testing.ManualClock makes every wait instant.
    """

    def __init__(
        self,
        token: TokenSource = None,
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
        verify_outcome: bool = True,
        settle_timeout: float = DEFAULT_SETTLE_TIMEOUT,
        flat_timeout: float = DEFAULT_FLAT_TIMEOUT,
        pending_file: str | os.PathLike[str] | None = None,
        clock: Clock | None = None,
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
        self._set_verification(verify_outcome, settle_timeout, flat_timeout, clock, pending_file)
        check_injected_http(http_client, transport, httpx.AsyncClient)
        self._owns_http = http_client is None
        if http_client is None and transport is None:
            # See _pool.py: many calls at once stay fast.
            transport = AsyncPooledTransport(verify=verify)
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)

    async def liquidate_position(
        self,
        account_id: int,
        contract_id: int,
        *,
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
        timeout: float | httpx.Timeout | None = None,
        confirm: bool = False,
    ) -> LiquidationResult:
        """Cancel the account's working orders on the contract and close the position.

        Returns the result when the server answers Success, with the closing order's id,
        or when an uncertain answer was verified from the server's records
        (`verified=True`). Raises a TradovateError subclass otherwise (see the table in
        _exceptions.py): NotLiquidatedError when the records show nothing was done (safe
        to call again), OutcomeUnknownError when even they could not tell. A target left
        unsettled is read before anything is sent again. `confirm=True` returns only once
        the position reads 0, else NotFlatError after `flat_timeout`. Invalid arguments
        raise ValueError or TypeError naming the argument, before anything is sent.

        `admin` is sent as given (the vendor does not document it; almost every client
        sends False). `custom_tag` (at most 64 characters) is your own label, to find the
        order later. `is_automated` defaults to True because a program is calling:
        exchanges require orders that no person entered to be flagged as automated (CME
        Rule 536.B, FIX tag 1028); pass False only when a person decided this order.
        `timeout` overrides the client's for this call.
        """
        steps, timeout_ = self._liquidation(
            account_id, contract_id, admin, custom_tag, is_automated, timeout, confirm
        )
        return await self._drive(steps, timeout_)

    async def positions(self, account_id: int) -> list[Position]:
        """The account's positions (GET /position/deps), as the generated models."""
        return await self._drive(self._positions(account_id), self.timeout)

    async def orders(self, account_id: int) -> list[Order]:
        """The account's orders, working and done (GET /order/deps)."""
        return await self._drive(self._orders(account_id), self.timeout)

    async def net_position(self, account_id: int, contract_id: int) -> int:
        """The account's net position on the contract; 0 when there is no row."""
        return await self._drive(self._net_position(account_id, contract_id), self.timeout)

    async def wait_until_flat(
        self, account_id: int, contract_id: int, *, timeout: float | None = None
    ) -> None:
        """Return once the position reads 0; NotFlatError after `timeout` (flat_timeout)."""
        await self._drive(self._until_flat(account_id, contract_id, timeout), self.timeout)

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
        confirm: bool = False,
    ) -> list[BatchOutcome]:
        """Liquidate many positions with bounded concurrency; never raises for one failure.

        `targets`: (account_id, contract_id) or (account_id, contract_id, custom_tag)
        tuples, or objects with those attributes (LiquidationTarget). All are checked
        before anything is sent; a bad one raises ValueError or TypeError naming its index.
        Returns one outcome per target, in input order: the LiquidationResult or the
        TradovateError it ended in. `on_progress(index, outcome)` is called as each
        finishes (the sync client calls it from worker threads); an exception it raises is
        logged and ignored. A time penalty met by one call holds back all of them, so the
        batch earns one ticket per wait. The other keywords apply to every target (a
        target's own custom_tag wins). `concurrency` calls run at once.
        """
        batch = self._batch(
            targets, concurrency, on_progress, admin, custom_tag, is_automated, timeout, confirm
        )
        return await run_batch(batch, self.liquidate_position)

    async def _drive(self, steps: Steps[T], timeout: httpx.Timeout) -> T:
        """Carry out the protocol's steps until it returns its result (or raises)."""
        token = await current_token(self._token_source)
        step = next(steps)
        try:
            while True:
                outcome: Outcome | None = None
                if isinstance(step, Send):
                    while (remaining := self._gate.remaining()) > 0:
                        await pause(self._clock, remaining)
                    outcome = await self._send(step.request, token, timeout)
                elif isinstance(step, Sleep):
                    log_wait(step.reason, step.seconds)
                    await pause(self._clock, step.seconds)
                elif isinstance(step, Penalty):
                    log_wait("time penalty", step.seconds)
                    self._gate.close_for(step.seconds)
                elif isinstance(step, RefreshToken):
                    token = await current_token(self._token_source)
                step = steps.send(outcome)
        except StopIteration as done:
            result: T = done.value
            return result

    async def _send(self, request: Request, token: str, timeout: httpx.Timeout) -> Outcome:
        started = time.perf_counter()
        outcome: Outcome
        try:
            outcome = await self._http.request(
                timeout=timeout, **self._http_arguments(request, token)
            )
        except httpx.RequestError as exc:
            outcome = exc
        self._log(request, outcome, started)
        return outcome

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

"""LiquidationClient: the synchronous client."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import httpx

from ._base import ClientBase, bad_token_source, check_injected_http, log_wait
from ._batch import DEFAULT_CONCURRENCY, ProgressCallback, run_threads
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
from ._transports import sync_http


class LiquidationClient(ClientBase):
    """Flattens positions on Tradovate through POST /order/liquidateposition.

        with LiquidationClient(token=..., environment="demo") as client:
            result = client.liquidate_position(account_id, contract_id)
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
    """

    def __init__(
        self,
        token: str | Callable[[], str] | None = None,
        *,
        environment: str = "demo",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        connect_backoff: float = DEFAULT_CONNECT_BACKOFF,
        max_penalty_wait: float = DEFAULT_MAX_PENALTY_WAIT,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        trust_env: bool = True,
        proxy: httpx.Proxy | str | None = None,
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
        check_injected_http(http_client, transport, httpx.Client)
        self._owns_http = http_client is None
        self._http = http_client or sync_http(
            transport, verify=verify, trust_env=trust_env, proxy=proxy, timeout=self.timeout
        )

    def liquidate_position(
        self,
        account_id: int,
        contract_id: int,
        *,
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
        timeout: float | httpx.Timeout | None = None,
    ) -> LiquidationResult:
        """Cancel the account's working orders on the contract and close the position.

        Returns the result when the server answers Success, with the closing order's id.
        Raises a TradovateError subclass otherwise (see the module tree); an
        OutcomeUnknownError means the server may have acted, so check positions before
        trying again. Invalid arguments raise ValueError or TypeError naming the
        argument, before anything is sent.

        `admin` is sent as given (the vendor does not document it; almost every client
        sends False). `custom_tag` (at most 64 characters) is your own label, to find the
        order later. `is_automated` defaults to True because a program is calling:
        exchanges require orders that no person entered to be flagged as automated (CME
        Rule 536.B, FIX tag 1028); pass False only when a person decided this order.
        `timeout` overrides the client's for this call.
        """
        fields, timeout_ = self._prepare(
            account_id, contract_id, admin, custom_tag, is_automated, timeout
        )
        steps = liquidation_steps(self._policy, fields["account_id"], fields["contract_id"])
        token = self._token()
        step = next(steps)
        try:
            while True:
                if isinstance(step, Send):
                    self._wait_for_gate()
                    step = steps.send(self._send(fields, step.ticket, token, timeout_))
                elif isinstance(step, Sleep):
                    log_wait("no connection", step.seconds)
                    time.sleep(step.seconds)
                    step = next(steps)
                elif isinstance(step, Penalty):
                    log_wait("time penalty", step.seconds)
                    self._gate.close_for(step.seconds)
                    step = next(steps)
                elif isinstance(step, RefreshToken):
                    token = self._token()
                    step = next(steps)
        except StopIteration as done:
            result: LiquidationResult = done.value
            return result

    def liquidate_many(
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
        """Liquidate many positions with bounded concurrency; never raises for one failure.

        `targets`: (account_id, contract_id) or (account_id, contract_id, custom_tag)
        tuples, or objects with those attributes (LiquidationTarget). All are checked
        before anything is sent; a bad one raises ValueError or TypeError naming its index.
        Returns one outcome per target, in input order: the LiquidationResult or the
        TradovateError it ended in. `on_progress(index, outcome)` is called as each
        finishes (from worker threads); an exception it raises is logged and ignored. A time
        penalty met by one call holds back all of them, so the batch earns one ticket per
        wait. The other keywords apply to every target (a target's own custom_tag wins).
        """
        batch = self._batch(
            targets, concurrency, on_progress, admin, custom_tag, is_automated, timeout
        )
        run_threads(batch, lambda arguments: self.liquidate_position(**arguments))
        return batch.outcomes()

    def _send(
        self, fields: dict[str, Any], ticket: str | None, token: str, timeout: httpx.Timeout
    ) -> Outcome:
        method, url, body, headers = self._request_args(fields, ticket, token)
        started = time.perf_counter()
        outcome: Outcome
        try:
            outcome = self._http.request(
                method, url, json=body, headers=headers, timeout=timeout, follow_redirects=False
            )
        except httpx.RequestError as exc:
            outcome = exc
        self._log(method, url, outcome, started)
        return outcome

    def _wait_for_gate(self) -> None:
        while (remaining := self._gate.remaining()) > 0:
            time.sleep(remaining)

    def _token(self) -> str:
        if isinstance(self._token_source, str):
            return self._token_source
        try:
            token = self._token_source()
        except Exception as exc:
            raise bad_token_source(exc) from None
        return check_token(token)

    def close(self) -> None:
        """Close the connections this client opened (not an http_client you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> LiquidationClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

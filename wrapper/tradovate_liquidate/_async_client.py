"""AsyncLiquidationClient: the asyncio driver of the protocol in _policy.py.

This file is the source of both clients: tools/unasync.py writes _client.py
(LiquidationClient) from it, as httpcore does with its unasync script, so the two
cannot drift. Keep the differences between them in _async_support.py/_sync_support.py.
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from ._async_support import (
    Background,
    OneCallPerTarget,
    current_token,
    detached,
    new_http_client,
    pause,
    read_bounded,
    run_batch,
    run_phases,
    wait_for,
    within,
)
from ._audit import audit_of
from ._base import ClientBase, Clock, log_wait, logger
from ._batch import DEFAULT_CONCURRENCY, ProgressCallback
from ._batch import Outcome as BatchOutcome
from ._config import (
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_DEADLINE,
    DEFAULT_FLAT_TIMEOUT,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_RENEW_BEFORE,
    DEFAULT_SETTLE_TIMEOUT,
    DEFAULT_TIMEOUT,
)
from ._exceptions import TradovateError
from ._reading import LIQUIDATION_ANSWER_LIMIT
from ._result import LiquidationResult
from ._steps import Await, Fly, Hold, Outcome, Penalty, RefreshToken, Request, Send, Sleep, Steps, T

if TYPE_CHECKING:
    from tradovate_api.models import Order, Position

    from ._account import AccountResult
    from ._accounts import AccountsRun
    from ._async_support import TokenSource
    from ._credentials import Credentials

#: keep_alive: the wait before trying again after a background renewal failed.
KEEP_ALIVE_RETRY = 60.0


class AsyncLiquidationClient(ClientBase):
    """Flattens positions on Tradovate through POST /order/liquidateposition.

        async with AsyncLiquidationClient(token=..., environment="demo") as client:
            result = await client.liquidate_position(account_id, contract_id)
            result.order_id

    `credentials` (a Credentials) lets the client sign in itself, lazily, and renew the
    token when less than `renew_before` (15 minutes) is left; concurrent calls share one
    sign-in or renewal, and `keep_alive=True` renews in the background until close.
    Tradovate allows 2 sessions per user (a third closes the oldest): to share one
    session between clients, pass one `TokenManager(credentials)` to each as `token=`.

    `token` is a string, a TokenManager, or a zero-argument callable returning the current
    token (tokens expire after about 80-90 minutes; a callable lets a long-running caller
    renew them without a new client). When None (and no credentials), TRADOVATE_ACCESS_TOKEN
    is read. After a 401 a callable or a session is asked once more and the request resent
    once: a 401 was not processed.

    `environment` is "demo" (the default) or "live"; live is only ever used when named.
    `base_url` overrides both; plain http:// is refused unless the host is loopback.
    `timeout` is seconds or an httpx.Timeout (default DEFAULT_TIMEOUT, finite) for each
    connect, read and write; `deadline` (default DEFAULT_DEADLINE, 15 s) bounds a whole
    request, whatever the server trickles. Past it the outcome is unknown. An answer
    larger than `max_answer_bytes` once decompressed (default 1 MiB) is unreadable, and
    is never held in memory whole.
    `verify` (TLS) is passed to httpx. `transport` or `http_client` inject httpx pieces, e.g.
    `FakeTradovate().transport()` in tests; a client you pass in is yours to close.
    Redirects are never followed, so the token goes only to the configured host.

    An uncertain answer is verified from the server's records within `settle_timeout`
    seconds (see _verify.py); `verify_outcome=False` turns that off (and the pending
    checks with it). `flat_timeout` bounds confirm=True. `pending_file` keeps unsettled
    targets across processes (the CLI's state file). `clock` (time() and sleep()) is for
    tests: testing.ManualClock makes every wait instant. `on_event`: see _audit.py.
    """

    def __init__(
        self,
        token: TokenSource = None,
        *,
        credentials: Credentials | None = None,
        renew_before: float = DEFAULT_RENEW_BEFORE,
        keep_alive: bool = False,
        environment: str = "demo",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        connect_backoff: float = DEFAULT_CONNECT_BACKOFF,
        max_penalty_wait: float = DEFAULT_MAX_PENALTY_WAIT,
        deadline: float = DEFAULT_DEADLINE,
        max_answer_bytes: int = LIQUIDATION_ANSWER_LIMIT,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        user_agent: str | None = None,
        trust_env: bool = True,
        proxy: httpx.Proxy | str | None = None,
        http_backend: str = "httpx",
        verify_outcome: bool = True,
        settle_timeout: float = DEFAULT_SETTLE_TIMEOUT,
        flat_timeout: float = DEFAULT_FLAT_TIMEOUT,
        pending_file: str | os.PathLike[str] | None = None,
        clock: Clock | None = None,
        on_event: Callable[[Any], object] | None = None,  # gets _audit.AuditRecord
    ) -> None:
        super().__init__(
            token,
            credentials=credentials,
            renew_before=renew_before,
            keep_alive=keep_alive,
            environment=environment,
            base_url=base_url,
            timeout=timeout,
            connect_retries=connect_retries,
            connect_backoff=connect_backoff,
            max_penalty_wait=max_penalty_wait,
            deadline=deadline,
            max_answer_bytes=max_answer_bytes,
        )
        self._set_verification(verify_outcome, settle_timeout, flat_timeout, clock, pending_file)
        self._audit = audit_of(on_event, self)  # wraps _send to record; None: no cost at all
        self._http: httpx.AsyncClient
        self._http, self._owns_http = self._http_client(
            new_http_client, httpx.AsyncClient, transport, http_client,
            verify=verify, trust_env=trust_env, proxy=proxy, user_agent=user_agent,
            http_backend=http_backend,
        )  # fmt: skip
        self._background: Background | None = None
        self._one_call_per_target = OneCallPerTarget()

    async def warm_up(self) -> None:
        """Sign in now, or renew the token held, so an emergency call need not wait for it.

        Sends one request (a sign-in, or a renewal of a valid token) and so also opens a
        connection. Starts the background renewal when `keep_alive` is on. Without
        credentials or a TokenManager there is no session to warm: nothing is sent.
        """
        self._start_keep_alive()
        await self._drive(self._refresh(force_renew=True), self.timeout)

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

        With a session, a 408 means a newer sign-in closed it: the client signs in again
        for later calls and raises AuthenticationError without resending (by HTTP nothing
        was processed, but check the position before liquidating again).
        """
        checked = (account_id, contract_id, admin, custom_tag, is_automated, timeout, confirm)
        return await self._liquidate(*self._liquidation(*checked))

    async def _liquidate(
        self, steps: Steps[LiquidationResult], timeout: httpx.Timeout, target: tuple[int, int]
    ) -> LiquidationResult:
        self._start_keep_alive()
        async with self._one_call_per_target.hold(target):
            return await self._drive(steps, timeout)

    async def liquidate_account(
        self,
        account_id: int,
        *,
        confirm: bool = True,
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
        timeout: float | httpx.Timeout | None = None,
    ) -> AccountResult:
        """Flatten every open position of the account and cancel its stray working orders.

        Returns an AccountResult: one outcome per open position (a LiquidationResult or
        the TradovateError it ended in), and `flat`, True only when every position read 0
        at the end (`confirm=True` waits up to flat_timeout for it). An account the token
        cannot see raises RequestRejected. Raises only for errors that stop the account
        (authentication, rate limit, the account or positions read failing), with
        `account_result` holding what was done so far (a failed orders read goes to
        `cancel_errors`, the positions are flattened). The steps are in _account.py.
        """
        self._start_keep_alive()
        steps, timeout_ = self._account(
            account_id, confirm, admin, custom_tag, is_automated, timeout
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
        return await run_batch(batch, self._liquidate)

    async def liquidate_accounts(
        self,
        account_ids: Iterable[int],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: Callable[[int, AccountResult], object] | None = None,
        confirm: bool = True,
        method: str = "per-position",
        admin: bool = False,
        custom_tag: str | None = None,
        is_automated: bool = True,
    ) -> AccountsRun:
        """Flatten many whole accounts: an AccountsRun, one AccountResult per id in order
        (duplicates refused first); `method`, chunks, errors: see _accounts.py, README."""
        plan, workers = self._accounts_plan(
            account_ids, concurrency, on_progress, confirm, method, admin, custom_tag, is_automated
        )
        self._start_keep_alive()
        return await run_phases(plan.phases(), workers, lambda job: self._drive(job, self.timeout))

    async def _drive(self, steps: Steps[T], timeout: httpx.Timeout) -> T:
        """Carry out the protocol's steps until it returns its result (or raises)."""
        token = await current_token(self._token_source)
        try:
            step = next(steps)
            while True:
                outcome: Outcome | None = None
                if isinstance(step, Send):
                    while (remaining := self._gate.remaining()) > 0:
                        await pause(self._clock, remaining)
                    outcome = await self._send(step.request, token, timeout)
                elif isinstance(step, Sleep):
                    log_wait(step.reason, step.seconds, step.then)
                    await pause(self._clock, step.seconds)
                elif isinstance(step, Penalty):
                    log_wait("time penalty", step.seconds)
                    self._gate.close_for(step.seconds)
                elif isinstance(step, RefreshToken):
                    try:
                        token = await current_token(self._token_source)
                    except TradovateError as exc:
                        step.error = exc  # raised where its request was: see RefreshToken
                elif isinstance(step, Await):
                    await wait_for(step.flight)
                elif isinstance(step, Fly):
                    try:
                        step.result = await detached(self._drive(step.steps, timeout))
                    except TradovateError as exc:
                        step.error = exc
                elif isinstance(step, Hold):
                    await self._one_call_per_target.take(step)
                step = steps.send(outcome)
        except StopIteration as done:
            result: T = done.value
            return result
        finally:
            steps.close()  # a cancelled call releases a sign-in it was carrying out

    def _start_keep_alive(self) -> None:
        if not self._keep_alive:
            return
        with self._keep_alive_lock:  # concurrent first calls start one renewal, not several
            running = self._background is not None and self._background.running()
            if not running and not self._closed:  # none yet, or its event loop ended
                self._background = Background(self._keep_renewing)
                self._background.start()

    async def _keep_renewing(self, background: Background) -> None:
        """keep_alive: renew (or sign in) whenever due, until the client is closed."""
        assert self._session is not None
        while await background.pause(self._session.renewal_due_in()):
            try:
                await self._drive(self._refresh(force_renew=False), self.timeout)
            except TradovateError as exc:
                logger.warning("keep_alive: %s; trying again later", exc.message)
                if not await background.pause(KEEP_ALIVE_RETRY):
                    return

    async def _send(self, request: Request, token: str | None, timeout: httpx.Timeout) -> Outcome:
        started = time.perf_counter()
        outcome: Outcome
        try:
            seconds, timeout = self._limits(request, timeout)
            async with within(seconds) as deadline:
                outcome = await self._exchange(request, token, timeout, deadline)
        except httpx.RequestError as exc:
            outcome = exc
        self._log(request, outcome, started)
        return outcome

    async def _exchange(
        self, request: Request, token: str | None, timeout: httpx.Timeout, deadline: float
    ) -> httpx.Response:
        """Send one request and read its answer within the byte limit and the deadline."""
        response = await self._http.send(
            self._http.build_request(
                request.method,
                self._target(request),
                json=request.body,
                headers=self._auth_headers(request, token),
                timeout=timeout,
            ),
            stream=True,
            follow_redirects=False,
        )
        return await read_bounded(response, request.max_bytes, deadline, self.deadline)

    async def aclose(self) -> None:
        """Stop keep_alive, then close what this client opened (not an http_client you passed)."""
        with self._keep_alive_lock:
            background, self._background = self._background, None
            self._closed = True
        if background is not None:
            await background.stop()
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncLiquidationClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

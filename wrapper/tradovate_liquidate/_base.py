"""What the sync and the async client share: checked settings, requests, logging."""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import httpx

from ._arguments import check_flag, check_id, liquidation_request
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
from ._gate import PenaltyGate
from ._http_side import HttpSide
from ._policy import Policy
from ._result import LiquidationResult
from ._steps import Steps, T
from ._tokens import session_of

# The verification machinery (_outcome, _verify, _reads, _pending) is imported when a
# client is built or a call is made, not with the package: a cold import stays cheap.
if TYPE_CHECKING:
    from tradovate_api.models import LiquidatePositionRequest, Order, Position

    from ._account import AccountResult
    from ._accounts import AccountsPlan
    from ._audit import Audit

logger = logging.getLogger("tradovate_liquidate")
#: A liquidation ready to drive: its steps, its timeout, and its (account, contract).
Liquidation = tuple[Steps[LiquidationResult], httpx.Timeout, tuple[int, int]]


class Clock(Protocol):
    """Wall-clock time and a way to wait: inject one (testing.ManualClock) to skip waits."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class ClientBase(HttpSide):
    def __init__(
        self,
        token: object,
        *,
        credentials: object,
        renew_before: object,
        keep_alive: object,
        environment: str,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        connect_retries: int,
        connect_backoff: float,
        max_penalty_wait: float,
        deadline: float,
        max_answer_bytes: int,
    ) -> None:
        self._session = session_of(token, credentials, renew_before)
        self._token_source: Any = None  # with a session, each request carries its token
        if self._session is None:
            token = token_from_environment(token)
            self._token_source = token if callable(token) else check_token(token)
        self._base_url = resolve_base_url(environment, base_url)
        self._base_path = urlsplit(self._base_url).path  # logged paths are the server's
        self._audit: Audit | None = None  # the driver's on_event (see _audit.audit_of)
        self.timeout = check_timeout(timeout)
        self.deadline = check_positive(deadline, "deadline")
        self._policy = Policy(
            connect_retries=int(check_non_negative(connect_retries, "connect_retries", int)),
            connect_backoff=check_non_negative(connect_backoff, "connect_backoff"),
            max_penalty_wait=check_non_negative(max_penalty_wait, "max_penalty_wait"),
            max_penalty_rounds=MAX_PENALTY_ROUNDS,
            token_refreshable=callable(token) or self._session is not None,
            answer_limit=check_byte_limit(max_answer_bytes, "max_answer_bytes"),
        )
        self._gate = PenaltyGate()
        self._auth: tuple[str | None, dict[str, str]] = (None, {})
        self._fixed_token: str | None = None  # sent by the httpx client itself
        self._urls: dict[str, httpx.URL] = {}  # see _url
        self._keep_alive = check_flag(keep_alive, "keep_alive")
        if self._keep_alive and self._session is None:
            raise ValueError("keep_alive: needs credentials= or a TokenManager as token=")
        # Guards starting and stopping the keep_alive renewal: concurrent first calls
        # must start one, and close() must stop the one that runs (none after close).
        self._keep_alive_lock = threading.Lock()
        self._closed = False

    def _set_verification(
        self,
        verify_outcome: object,
        settle_timeout: object,
        flat_timeout: object,
        clock: Clock | None,
        pending_file: object,
    ) -> None:
        """Verification settings (see _verify.py), checked here once."""
        from ._pending import PendingTargets
        from ._verify import Verification

        if clock is not None and not (
            callable(getattr(clock, "time", None)) and callable(getattr(clock, "sleep", None))
        ):
            raise TypeError(
                f"clock: expected an object with time() and sleep(), not {type(clock).__name__}"
            )
        if pending_file is not None and not isinstance(pending_file, str | os.PathLike):
            raise TypeError(
                f"pending_file: expected a path or None, not {type(pending_file).__name__}"
            )
        self._clock = clock
        if clock is not None:
            self._gate = PenaltyGate(clock.time)  # penalty waits skip by the same clock
        self._verification = Verification(
            enabled=check_flag(verify_outcome, "verify_outcome"),
            settle_timeout=check_non_negative(settle_timeout, "settle_timeout"),
            flat_timeout=check_non_negative(flat_timeout, "flat_timeout"),
            now=time.time if clock is None else clock.time,
            deadline=self.deadline,
        )
        self._pending = PendingTargets(pending_file)

    @property
    def base_url(self) -> str:
        """Where every request goes. Read-only: it was checked (http only for loopback)
        when the client was built, and the token travels only there; make a new client
        for another server."""
        return self._base_url

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
        confirm: object = False,
    ) -> Liquidation:
        """One liquidation's steps; every argument is checked here, before anything is sent."""
        from ._arguments import check_flag

        body = liquidation_request(account_id, contract_id, admin, custom_tag, is_automated)
        timeout_ = self._call_timeout(timeout)
        return self._checked_liquidation(body, timeout_, check_flag(confirm, "confirm"))

    def _checked_liquidation(
        self, body: LiquidatePositionRequest, timeout: httpx.Timeout, confirm: bool
    ) -> Liquidation:
        """The steps for arguments already checked (a batch checks its targets once)."""
        from ._outcome import outcome_steps

        steps = outcome_steps(self._policy, self._verification, self._pending, body, confirm)
        target = (body.account_id, body.contract_id)
        context = {"account_id": target[0], "contract_id": target[1]}
        return self._signed_in(steps, context, "liquidate_position"), timeout, target

    def _batch_liquidation(
        self,
        template: LiquidatePositionRequest,
        timeout: httpx.Timeout,
        confirm: bool,
        account_id: int,
        contract_id: int,
        custom_tag: str | None = None,
    ) -> Liquidation:
        """One target of a checked batch (see _batch): the shared request, its own ids."""
        from attrs import evolve

        body = evolve(template, account_id=account_id, contract_id=contract_id)
        if custom_tag is not None:  # a target's own tag wins
            body = evolve(body, custom_tag_50=custom_tag)
        return self._checked_liquidation(body, timeout, confirm)

    def _account(
        self,
        account_id: object,
        confirm: object,
        admin: object,
        custom_tag: object,
        is_automated: object,
        timeout: object,
    ) -> tuple[Steps[AccountResult], httpx.Timeout]:
        """One account's steps (see _account.py); arguments checked here, before sending."""
        from ._account import account_steps
        from ._arguments import check_flag

        account = check_id(account_id, "account_id")
        liquidation_request(account, 1, admin, custom_tag, is_automated)
        options = {"admin": admin, "custom_tag": custom_tag, "is_automated": is_automated}
        confirm_ = check_flag(confirm, "confirm")
        timeout_ = self._call_timeout(timeout)
        steps = account_steps(
            self._policy, self._verification, self._pending, account, options, confirm_
        )
        return self._signed_in(steps, {"account_id": account}, "liquidate_account"), timeout_

    def _accounts_plan(
        self,
        account_ids: object,
        concurrency: object,
        on_progress: object,
        confirm: object,
        method: object,
        admin: object,
        custom_tag: object,
        is_automated: object,
    ) -> tuple[AccountsPlan, int]:
        """liquidate_accounts' checked plan and concurrency, before anything is sent."""
        from ._accounts import AccountsPlan, check_account_ids, check_method
        from ._arguments import check_flag
        from ._batch import check_concurrency, check_progress

        liquidation_request(1, 1, admin, custom_tag, is_automated)
        options = {"admin": admin, "custom_tag": custom_tag, "is_automated": is_automated}
        plan = AccountsPlan(
            account_ids=check_account_ids(account_ids),  # type: ignore[arg-type]
            method=check_method(method),
            confirm=check_flag(confirm, "confirm"),
            options=options,
            policy=self._policy,
            verification=self._verification,
            pending=self._pending,
            wrap=lambda steps: self._signed_in(steps, {}),
            on_progress=check_progress(on_progress),  # type: ignore[arg-type]
        )
        return (self._audit.watch(plan) if self._audit else plan), check_concurrency(concurrency)

    def _signed_in(self, steps: Steps[T], context: dict[str, Any], call: str = "") -> Steps[T]:
        """With a session, `steps` in its rules; with on_event, a public `call`'s verdict too."""
        if self._session is not None:
            from ._session_steps import with_session

            steps = with_session(self._session, self._policy, steps, context)
        return self._audit.judged(steps, call, context) if call and self._audit else steps

    def _refresh(self, *, force_renew: bool) -> Steps[None]:
        """Sign in or renew now (warm_up, keep_alive); nothing without a session."""
        from ._session_steps import refresh_steps

        if self._session is not None:
            yield from refresh_steps(self._session, self._policy, force_renew=force_renew)

    def _positions(self, account_id: object) -> Steps[list[Position]]:
        from ._reads import positions_steps

        account = check_id(account_id, "account_id")
        return self._signed_in(positions_steps(self._policy, account), {"account_id": account})

    def _orders(self, account_id: object) -> Steps[list[Order]]:
        from ._reads import orders_steps

        account = check_id(account_id, "account_id")
        return self._signed_in(orders_steps(self._policy, account), {"account_id": account})

    def _net_position(self, account_id: object, contract_id: object) -> Steps[int]:
        from ._reads import net_position_steps

        account, contract = check_id(account_id, "account_id"), check_id(contract_id, "contract_id")
        steps = net_position_steps(self._policy, account, contract)
        return self._signed_in(steps, {"account_id": account, "contract_id": contract})

    def _until_flat(self, account_id: object, contract_id: object, timeout: object) -> Steps[None]:
        account, contract = check_id(account_id, "account_id"), check_id(contract_id, "contract_id")
        flat_timeout = self._verification.flat_timeout
        seconds = flat_timeout if timeout is None else check_non_negative(timeout, "timeout")
        from ._verify import flat_steps

        steps = flat_steps(self._policy, self._verification, account, contract, seconds)
        context = {"account_id": account, "contract_id": contract}
        return self._signed_in(steps, context, "wait_until_flat")

    def _batch(
        self,
        targets: Any,
        concurrency: object,
        on_progress: object,
        admin: object,
        custom_tag: object,
        is_automated: object,
        timeout: object,
        confirm: object = False,
    ) -> Batch:
        """A checked batch; the shared keywords are checked once, before anything is sent,
        and each target's call gets them as they are (see _batch_liquidation)."""
        from ._arguments import check_flag

        # A request with the shared keywords checked; each target brings its ids.
        template = liquidation_request(1, 1, admin, custom_tag, is_automated)
        shared = (template, self._call_timeout(timeout), check_flag(confirm, "confirm"))
        return Batch(targets, concurrency, on_progress, partial(self._batch_liquidation, *shared))


def log_wait(reason: str, seconds: float, then: str = "sending again") -> None:
    logger.warning("%s: waiting %.2f s before %s", reason, seconds, then)

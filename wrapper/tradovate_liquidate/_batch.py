"""liquidate_many's pieces shared by both clients: targets, their checks, the outcomes
and when a run stops. The run loops are in _jobs.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._arguments import check_custom_tag, check_id
from ._exceptions import AuthenticationError, OutcomeUnknownError, RateLimitError, TradovateError
from ._result import LiquidationResult

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 256

Outcome = LiquidationResult | TradovateError
ProgressCallback = Callable[[int, Outcome], object]


@dataclass(frozen=True, slots=True)
class LiquidationTarget:
    """One position to flatten in a batch; `custom_tag` overrides the call's own."""

    account_id: int
    contract_id: int
    custom_tag: str | None = None


def check_targets(targets: Iterable[Any]) -> list[LiquidationTarget]:
    """Every target checked before anything is sent; errors name the target by index.

    A target is an (account_id, contract_id) or (account_id, contract_id, custom_tag)
    tuple, or any object with account_id and contract_id attributes (and optionally
    custom_tag), such as LiquidationTarget. A position (account_id, contract_id) may be
    listed once: a duplicate raises ValueError naming both indexes.
    """
    if isinstance(targets, str | bytes) or not isinstance(targets, Iterable):
        raise TypeError(f"targets: expected an iterable of targets, not {type(targets).__name__}")
    checked = []
    first_at: dict[tuple[int, int], int] = {}
    for index, target in enumerate(targets):
        try:
            checked.append(_check_target(target))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"targets[{index}]: {exc}") from None
        position = (checked[-1].account_id, checked[-1].contract_id)
        earlier = first_at.setdefault(position, index)
        if earlier != index:
            # A second closing order for a position already being flattened could flip it.
            raise ValueError(
                f"targets[{index}]: the same position as targets[{earlier}] (account_id "
                f"{position[0]}, contract_id {position[1]}); each position may be listed once"
            )
    return checked


def _check_target(target: Any) -> LiquidationTarget:
    if isinstance(target, tuple):
        if len(target) not in (2, 3):
            raise ValueError(
                f"expected (account_id, contract_id[, custom_tag]), not {len(target)} items"
            )
        account_id, contract_id, *rest = target
        custom_tag = rest[0] if rest else None
    elif hasattr(target, "account_id") and hasattr(target, "contract_id"):
        account_id, contract_id = target.account_id, target.contract_id
        custom_tag = getattr(target, "custom_tag", None)
    else:
        kind = type(target).__name__
        raise TypeError(
            f"expected a tuple or an object with account_id and contract_id, not {kind}"
        )
    return LiquidationTarget(
        check_id(account_id, "account_id"),
        check_id(contract_id, "contract_id"),
        check_custom_tag(custom_tag),
    )


def check_concurrency(concurrency: object) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise TypeError(f"concurrency: expected an int, not {type(concurrency).__name__}")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"concurrency: must be 1 to {MAX_CONCURRENCY}, not {concurrency}")
    return concurrency


def check_progress(on_progress: object) -> ProgressCallback | None:
    if on_progress is not None and not callable(on_progress):
        raise TypeError(
            f"on_progress: expected a callable or None, not {type(on_progress).__name__}"
        )
    return on_progress


class Batch:
    """One liquidate_many run: checked targets, the outcomes so far, progress reports."""

    #: Whether ending a target can make new ones (see _jobs.Growing): a batch never does.
    grows = False
    after: Callable[[], None] | None = None
    _claimed = 0

    def __init__(
        self,
        targets: Iterable[Any],
        concurrency: object,
        on_progress: object,
        prepare: Callable[[int, int, str | None], Any],
    ) -> None:
        self.targets = check_targets(targets)
        self.workers = min(check_concurrency(concurrency), len(self.targets)) or 1
        self._on_progress = check_progress(on_progress)
        self._prepare = prepare
        self._outcomes: list[Outcome | None] = [None] * len(self.targets)
        #: The authentication or rate-limit error after which nothing new was started.
        self.stopped: TradovateError | None = None

    def call_arguments(self, index: int) -> Any:
        """One target's call, from `prepare` (ClientBase._batch_liquidation): made when
        a worker takes it up, from values checked once, when the batch was made."""
        target = self.targets[index]
        return self._prepare(target.account_id, target.contract_id, target.custom_tag)

    def claim(self) -> int | None:
        """The next target to start, in input order; None when every one was."""
        if self._claimed >= len(self.targets):
            return None
        self._claimed += 1
        return self._claimed - 1

    def queued(self) -> int:
        return len(self.targets) - self._claimed

    def keep(self, index: int, outcome: Outcome) -> None:
        """The outcome alone, no progress report: the run has failed (see _jobs._Run)."""
        self._outcomes[index] = outcome

    def record(self, index: int, outcome: Outcome) -> None:
        self._outcomes[index] = outcome
        if self._on_progress is None:
            return
        try:
            self._on_progress(index, outcome)
        except Exception:
            # The liquidations matter more than a broken progress display.
            logging.getLogger("tradovate_liquidate").exception(
                "on_progress raised; the batch goes on"
            )

    def outcomes(self) -> list[Outcome]:
        return [outcome for outcome in self._outcomes if outcome is not None]

    def finish(self, failure: BaseException | None) -> None:
        """The run is over: raise what failed outside the tree, or report what a stop
        left unsent."""
        if failure is not None:
            raise failure
        self._record_not_sent()

    def _record_not_sent(self) -> None:
        """After a stop, every target never started gets an error saying so (of the
        stop's kind, caused by it), so outcomes stay one per target in input order."""
        stop = self.stopped
        if stop is None:
            return
        kind = AuthenticationError if isinstance(stop, AuthenticationError) else RateLimitError
        for index, outcome in enumerate(self._outcomes):
            if outcome is None:
                target = self.targets[index]
                error = kind(
                    f"not sent: the batch stopped after {stop.message}",
                    account_id=target.account_id,
                    contract_id=target.contract_id,
                )
                error.__cause__ = stop
                self.record(index, error)


#: Errors after which nothing more is sent in a run (every request would meet them too).
STOPPING = (AuthenticationError, RateLimitError)


def stopping(error: TradovateError) -> TradovateError | None:
    """The error of STOPPING that `error` is, or that cut short the verification of a
    closing order that was sent (an OutcomeUnknownError caused by it); else None."""
    if isinstance(error, STOPPING):
        return error
    cause = error.__cause__
    if isinstance(error, OutcomeUnknownError) and isinstance(cause, STOPPING):
        return cause
    return None

"""liquidate_many's pieces shared by both clients: targets, their checks, the run loops."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any, Generic, NoReturn

from ._arguments import check_custom_tag, check_id
from ._exceptions import AuthenticationError, OutcomeUnknownError, RateLimitError, TradovateError
from ._result import LiquidationResult
from ._steps import T

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


class Jobs(Batch):
    """One phase of liquidate_accounts: independent step generators, `workers` at a time.

    `results()` has each job's outcome (its return value or the TradovateError it raised),
    None for a job never started; `stopped` is the error that ended the phase early.
    """

    def __init__(self, jobs: list[Any], workers: int) -> None:
        self.targets = jobs
        self.workers = min(workers, len(jobs)) or 1
        self._on_progress = None
        self._outcomes = [None] * len(jobs)
        self.stopped: TradovateError | None = None

    def call_arguments(self, index: int) -> dict[str, Any]:
        return {"job": self.targets[index], "index": index}

    def stop(self, arguments: dict[str, Any], error: TradovateError) -> Stopped | None:
        """For a job that raised `error`: the Stopped that ends the phase, or None. A
        liquidation sent, then stopped (see `stopping`), keeps its outcome as the job's."""
        stop = stopping(error)
        if stop is None:
            return None
        if stop is not error:
            self.record(arguments["index"], error)
        return Stopped(stop)

    def finish(self, failure: BaseException | None) -> None:
        """A phase that met a stop ended early, as designed: keep the stop (the plan
        reports it); a job never started is None in `results()`."""
        if isinstance(failure, Stopped):
            self.stopped = failure.error
        elif failure is not None:
            raise failure

    def fail(self, arguments: dict[str, Any], error: TradovateError) -> NoReturn:
        """Raise what a job that raised `error` ends in: the Stopped that ends the phase
        (the runner keeps it as `stopped`), or the error itself, the job's outcome."""
        stop = self.stop(arguments, error)
        if stop is None:
            raise error
        raise stop from None

    def results(self) -> list[Any]:
        return list(self._outcomes)


class PhaseRun(Generic[T]):
    """Steps through liquidate_accounts' phases for a driver: each phase's jobs as Jobs,
    how they ended sent back, until the phases return their result."""

    def __init__(self, phases: Generator[list[Any], Jobs, T], workers: int) -> None:
        self._phases = phases
        self._workers = workers
        self._done: Jobs | None = None
        self._result: T | None = None
        self._over = False

    def next_jobs(self) -> Jobs | None:
        """The next phase's jobs; None once the phases have returned."""
        try:
            jobs = next(self._phases) if self._done is None else self._phases.send(self._done)
        except StopIteration as end:
            self._result, self._over = end.value, True
            return None
        return Jobs(jobs, self._workers)

    def ended(self, done: Jobs) -> None:
        self._done = done

    def result(self) -> T:
        assert self._over
        return self._result  # type: ignore[return-value]


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


class Stopped(Exception):
    """A job met one of STOPPING: the runner starts nothing new (see _Run)."""

    def __init__(self, error: TradovateError) -> None:
        super().__init__(error.message)
        self.error = error


Call = Callable[[dict[str, Any]], LiquidationResult]
AsyncCall = Callable[[dict[str, Any]], Awaitable[LiquidationResult]]


class _Run:
    """Hands out target indexes until the batch ends or a call raises outside the tree.

    Both runners end the same way on such an exception (a bug, a transport raising
    RuntimeError): nothing new is started, the calls in flight finish and are recorded,
    and the first such exception is raised once they have.
    """

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self._pending = iter(range(len(batch.targets)))
        self._lock = threading.Lock()
        self.failure: BaseException | None = None

    def next_index(self) -> int | None:
        with self._lock:
            if self.failure is not None or self.batch.stopped is not None:
                return None
            return next(self._pending, None)

    def ended(self, outcome: TradovateError) -> None:
        """An authentication or rate-limit error (or a sent call's verification cut short
        by one): every later request would meet it too, and into a 429 lockout each one
        extends the lockout, so nothing new is started."""
        if (stop := stopping(outcome)) is not None:
            with self._lock:
                if self.batch.stopped is None:
                    self.batch.stopped = stop

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self.failure is None:
                self.failure = exc

    def finish(self) -> None:
        self.batch.finish(self.failure)


def run_threads(batch: Batch, call: Call) -> None:
    """Run every target's call on `batch.workers` threads, recording each outcome."""
    run = _Run(batch)

    def worker() -> None:
        while (index := run.next_index()) is not None:
            outcome: Outcome
            try:
                outcome = call(batch.call_arguments(index))
            except TradovateError as exc:
                outcome = exc
                run.ended(exc)
            except BaseException as exc:
                run.failed(exc)
                return
            batch.record(index, outcome)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(batch.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.finish()


async def run_tasks(batch: Batch, call: AsyncCall) -> None:
    """Run every target's call as `batch.workers` asyncio tasks, recording each outcome.

    Cancelling the caller cancels the workers too: none keeps sending after this returns.
    """
    import asyncio  # here: a sync caller never needs asyncio

    run = _Run(batch)

    async def worker() -> None:
        while (index := run.next_index()) is not None:
            outcome: Outcome
            try:
                outcome = await call(batch.call_arguments(index))
            except TradovateError as exc:
                outcome = exc
                run.ended(exc)
            except Exception as exc:
                run.failed(exc)
                return
            batch.record(index, outcome)

    await asyncio.gather(*(worker() for _ in range(batch.workers)))
    run.finish()

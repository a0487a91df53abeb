"""The run loops both clients share: a liquidate_many batch, or a liquidate_accounts phase
of jobs, `workers` at a time. The drivers only wait; what starts next is decided here.

A phase may grow (Growing): a job's end can make new jobs ready, which start as soon as a
worker is free, so a liquidation need not wait for every read of the run to land. Each
job has a rank: a lower rank starts first, equal ranks in the order they came.
"""

from __future__ import annotations

import contextlib
import heapq
import threading
from collections.abc import Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, NamedTuple, NoReturn

from ._batch import Batch, Outcome, stopping
from ._exceptions import TradovateError
from ._steps import T

Ranked = list[tuple[int, Any]]  # (rank, job)


class Growing(NamedTuple):
    """A phase whose jobs come as earlier ones end: `jobs` to start with; `grow(index,
    outcome)`, called as each job ends (never after a stop), returns the jobs it made
    ready. Indexes count the jobs in the order they came, the first ones from 0. `after`
    is called after each grow, outside the run's lock (progress reports: a slow callback
    then holds up its own worker only)."""

    jobs: Ranked
    grow: Callable[[int, Any], Ranked]
    after: Callable[[], None]


class Jobs(Batch):
    """One phase of liquidate_accounts: independent step generators, `workers` at a time.

    `results()` has each job's outcome (its return value or the TradovateError it raised),
    None for a job never started; `stopped` is the error that ended the phase early.
    """

    def __init__(self, jobs: Ranked, workers: int, growing: Growing | None = None) -> None:
        self.targets: list[Any] = []
        self._outcomes: list[Any] = []
        self._queue: list[tuple[int, int]] = []  # heap of (rank, index)
        grow = self._grow = None if growing is None else growing.grow
        self.after = None if growing is None else growing.after
        self.grows = grow is not None
        self.workers = workers if self.grows else min(workers, len(jobs)) or 1
        self._on_progress = None
        self.stopped: TradovateError | None = None
        self._add(jobs)

    def _add(self, jobs: Ranked) -> None:
        for rank, job in jobs:
            heapq.heappush(self._queue, (rank, len(self.targets)))
            self.targets.append(job)
            self._outcomes.append(None)

    def claim(self) -> int | None:
        return heapq.heappop(self._queue)[1] if self._queue else None

    def keep(self, index: int, outcome: Any) -> None:
        self._outcomes[index] = outcome  # no job grows from it: the run has failed

    def queued(self) -> int:
        return len(self._queue)

    def record(self, index: int, outcome: Any) -> None:
        self._outcomes[index] = outcome
        if self._grow is not None:
            self._add(self._grow(index, outcome))

    def call_arguments(self, index: int) -> dict[str, Any]:
        return {"job": self.targets[index], "index": index}

    def stop(self, arguments: dict[str, Any], error: TradovateError) -> Stopped | None:
        """For a job that raised `error`: the Stopped that ends the phase, or None. A
        liquidation sent, then stopped (see `stopping`), keeps its outcome as the job's
        (and makes no new job: nothing more starts)."""
        stop = stopping(error)
        if stop is None:
            return None
        if stop is not error:
            self._outcomes[arguments["index"]] = error
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
    """Steps through liquidate_accounts' phases for a driver: each phase's jobs (a list,
    or Growing) as Jobs, how they ended sent back, until the phases return their result."""

    def __init__(self, phases: Generator[Any, Jobs, T], workers: int) -> None:
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
        if isinstance(jobs, Growing):
            return Jobs(jobs.jobs, self._workers, jobs)
        return Jobs([(0, job) for job in jobs], self._workers)

    @contextlib.contextmanager
    def aborting(self) -> Iterator[None]:
        """Around running a phase: an exception that ends it (Ctrl-C, a cancelled caller,
        a bug) is thrown into the phases first, so the plan keeps what it sent unsettled
        (pending), then raised."""
        try:
            yield
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                self._phases.throw(exc)
            raise

    def ended(self, done: Jobs) -> None:
        self._done = done

    def result(self) -> T:
        assert self._over
        return self._result  # type: ignore[return-value]


class Stopped(Exception):
    """A job met one of STOPPING: the runner starts nothing new (see _Run)."""

    def __init__(self, error: TradovateError) -> None:
        super().__init__(error.message)
        self.error = error


Call = Callable[[Any], Any]
AsyncCall = Callable[[Any], Awaitable[Any]]
#: next_index's answer when nothing is ready yet but a job running may make some.
WAIT = -1


class _Run:
    """Hands out target indexes until the batch ends or a call raises outside the tree.

    Both runners end the same way on such an exception (a bug, a transport raising
    RuntimeError): nothing new is started, the calls in flight finish and are recorded,
    and the first such exception is raised once they have.
    """

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self._changed = threading.Condition()
        self._running = 0
        self._workers = 0  # started
        self._idle = 0  # waiting for a job to be ready
        self._wakers: list[Callable[[], object]] = []
        self.failure: BaseException | None = None
        self.abandoned = False

    def first_workers(self) -> int:
        """How many workers to start with: one per job ready, up to `batch.workers`."""
        with self._changed:
            self._workers = min(self.batch.workers, self.batch.queued()) or 1
            return self._workers

    def more_workers(self) -> int:
        """How many more to start now that jobs were added: those the idle workers
        cannot take, up to `batch.workers` in all (a growing phase starts small)."""
        with self._changed:
            if self.failure is not None or self.batch.stopped is not None:
                return 0
            spare = self.batch.workers - self._workers
            count = max(0, min(spare, self.batch.queued() - self._idle))
            self._workers += count
            return count

    def idle(self, change: int) -> None:
        with self._changed:
            self._idle += change

    def next_index(self) -> int | None:
        """A target to start; None when the run is over; WAIT (a growing phase) when
        none is ready yet: wait for a change (see wait, on_change) and ask again."""
        with self._changed:
            if self.failure is not None or self.batch.stopped is not None:
                return None
            index = self.batch.claim()
            if index is not None:
                self._running += 1
                return index
            return WAIT if self._running and self.batch.grows else None

    def wait(self) -> int | None:
        """next_index, blocking the thread until it is not WAIT."""
        with self._changed:
            while (index := self.next_index()) == WAIT:
                self._idle += 1
                self._changed.wait()
                self._idle -= 1
            return index

    def on_change(self, wake: Callable[[], object]) -> None:
        """Call `wake` once, at the next change (an asyncio waiter sets its future)."""
        self._wakers.append(wake)

    def took(self, index: int, outcome: Any) -> int | None:
        """A call's end, from its worker: its outcome (a TradovateError too, after which
        one of STOPPING starts nothing new) recorded, and how many more workers to
        start; None when the worker stops: the call raised outside the tree (the run
        fails with it) or recording it did."""
        if isinstance(outcome, TradovateError):
            self.ended(outcome)
        elif isinstance(outcome, BaseException):
            self.failed(outcome)
            return None
        if not self.record(index, outcome):
            return None
        return self.more_workers()

    def record(self, index: int, outcome: Outcome) -> bool:
        """Keep a target's outcome; False when that raised (a bug in the plan growing
        the phase): the run then fails with it, as when a call raises outside the tree,
        rather than leave the other workers waiting for jobs that never come."""
        try:
            if self.abandoned:  # the caller has its exception: keep it, tell no one
                self.batch.keep(index, outcome)
                return False
            if self.batch.grows:  # growing changes the queue: one thread at a time
                with self._changed:
                    self.batch.record(index, outcome)
                self._notify(ended=False)  # the new jobs start while `after` runs
                if self.batch.after is not None:
                    self.batch.after()  # outside the lock: a slow callback holds up none
            else:  # progress callbacks run outside any lock
                self.batch.record(index, outcome)
        except BaseException as exc:
            self.failed(exc)
            return False
        finally:
            self._notify(ended=True)
        return True

    def ended(self, outcome: TradovateError) -> None:
        """An authentication or rate-limit error (or a sent call's verification cut short
        by one): every later request would meet it too, and into a 429 lockout each one
        extends the lockout, so nothing new is started."""
        if (stop := stopping(outcome)) is not None:
            with self._changed:
                if self.batch.stopped is None:
                    self.batch.stopped = stop

    def failed(self, exc: BaseException) -> None:
        with self._changed:
            if self.failure is None:
                self.failure = exc
        self._notify(ended=False)

    def abandon(self, exc: BaseException) -> None:
        """The caller is leaving with `exc` (Ctrl-C, cancelled) without waiting for the
        calls in flight: nothing new starts, and their ends are kept, reported to no
        one (a bug in a call instead is raised once the others end, as they are told)."""
        self.abandoned = True
        self.failed(exc)

    def _notify(self, *, ended: bool) -> None:
        with self._changed:
            self._running -= ended
            self._changed.notify_all()
            wakers, self._wakers = self._wakers, []
        for wake in wakers:
            wake()

    def finish(self) -> None:
        self.batch.finish(self.failure)


def run_threads(batch: Batch, call: Call) -> None:
    """Run every target's call on up to `batch.workers` threads, recording each outcome.

    The caller's thread interrupted (Ctrl-C) starts nothing new: the calls in flight end
    on their own threads, and the interrupt is raised at once."""
    run = _Run(batch)
    threads: list[threading.Thread] = []

    def start(count: int) -> None:
        for _ in range(count):
            thread = threading.Thread(target=worker, daemon=True)
            threads.append(thread)
            thread.start()

    def worker() -> None:
        while (index := run.wait()) is not None:
            try:
                outcome = call(batch.call_arguments(index))
            except BaseException as exc:
                outcome = exc
            if (more := run.took(index, outcome)) is None:
                return
            start(more)

    try:
        start(run.first_workers())
        joined = 0
        while joined < len(threads):  # a worker starts another before it ends
            threads[joined].join()
            joined += 1
    except BaseException as exc:
        run.abandon(exc)
        raise
    run.finish()


async def run_tasks(batch: Batch, call: AsyncCall) -> None:
    """Run every target's call as `batch.workers` asyncio tasks, recording each outcome.

    Cancelling the caller cancels the workers too: none keeps sending after this returns.
    """
    import asyncio  # here: a sync caller never needs asyncio

    run = _Run(batch)

    async def changed() -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        run.on_change(wake)
        run.idle(+1)
        try:
            await future
        finally:
            run.idle(-1)

    async def worker() -> None:
        while (index := run.next_index()) is not None:
            if index == WAIT:
                await changed()
                continue
            try:
                outcome = await call(batch.call_arguments(index))
            except Exception as exc:
                outcome = exc
            except BaseException as exc:  # a CancelledError: the run ends (none waits on)
                run.failed(exc)
                raise
            if (more := run.took(index, outcome)) is None:
                return
            start(more)

    tasks: list[asyncio.Task[None]] = []

    def start(count: int) -> None:
        tasks.extend(asyncio.ensure_future(worker()) for _ in range(count))

    start(run.first_workers())
    try:
        for task in tasks:  # a worker may start another before it ends
            await task
    except BaseException as exc:
        run.abandon(exc)
        for task in tasks:
            task.cancel()
        raise
    run.finish()

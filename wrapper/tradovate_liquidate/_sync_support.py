"""What only the sync client does differently: how it waits, asks for a token, fans out,
waits for another caller's sign-in, and renews in the background.

The counterpart of _async_support.py, with the same names (see tools/unasync.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from ._batch import Batch
from ._batch import Outcome as BatchOutcome
from ._deadline import DEADLINE, exceeded_message, passed
from ._exceptions import TradovateError
from ._jobs import Jobs, PhaseRun, run_threads
from ._locks import LockTable
from ._reading import AnswerReader
from ._steps import Hold, T
from ._tokens import bad_token_source, returned_token
from ._transports import sync_http

if TYPE_CHECKING:  # _session.py is loaded only by a client that has a session
    from ._session import Flight, TokenManager

    #: A token, or a callable that returns the current one.
    TokenSource = str | Callable[[], str] | TokenManager | None

sleep = time.sleep


class within:
    """Every read and write inside is cut to the time left (see _deadline.py); gives the
    deadline, which the body reader checks between chunks. A thread cannot be cancelled,
    so the connection layer is what keeps a trickled answer within it. A class, not a
    generator: it runs on every request."""

    __slots__ = ("_deadline", "_reset", "_seconds")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._deadline = time.monotonic() + seconds

    def __enter__(self) -> float:
        self._reset = DEADLINE.set(self._deadline)
        return self._deadline

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        DEADLINE.reset(self._reset)
        if isinstance(error, httpx.TimeoutException) and passed(self._deadline):
            raise httpx.ReadTimeout(exceeded_message(self._seconds)) from error


def current_token(source: Any) -> str | None:
    if source is None or isinstance(source, str):
        return source  # None: a TokenManager stamps each request (see _session_steps.py)
    try:
        token = source()
    except Exception as exc:
        raise bad_token_source(exc) from None
    return returned_token(token)


def run_batch(batch: Batch, call: Callable[..., Any]) -> list[BatchOutcome]:
    """Every target of the batch through `call`, on `batch.workers` threads."""
    run_threads(batch, lambda liquidation: call(*liquidation))
    return batch.outcomes()


def run_jobs(jobs: Jobs, drive: Callable[[Any], Any]) -> Jobs:
    """Drive every job of one phase, `jobs.workers` threads at a time; after an error
    of STOPPING (see Jobs.stop) nothing new starts, and it is kept as `jobs.stopped`."""

    def call(arguments: dict[str, Any]) -> Any:
        try:
            return drive(arguments["job"])
        except TradovateError as exc:
            jobs.fail(arguments, exc)

    run_threads(jobs, call)
    return jobs


def run_phases(phases: Generator[Any, Jobs, T], workers: int, drive: Callable[[Any], Any]) -> T:
    """Run each phase's jobs (see _accounts.py and _batch.PhaseRun), on threads."""
    run = PhaseRun(phases, workers)
    while (jobs := run.next_jobs()) is not None:
        with run.aborting():
            run.ended(run_jobs(jobs, drive))
    return run.result()


def new_http_client(
    transport: httpx.BaseTransport | None, *, http_backend: str, **options: Any
) -> httpx.Client:
    """The httpx client a client owns: see _transports.py for which connection layer."""
    if http_backend != "httpx":
        raise ValueError(f"http_backend: {http_backend!r} is for AsyncLiquidationClient only")
    return sync_http(transport, **options)


def wait_for(flight: Flight) -> None:
    """Until another caller's sign-in or renewal is over."""
    flight.done.wait()


def detached(result: T) -> T:
    """A thread is not cancelled: the sign-in already ran to its end in the caller."""
    return result


class Background:
    """Runs `work(self)` on a daemon thread until stop(); `pause` is its interruptible sleep."""

    def __init__(self, work: Callable[[Background], None]) -> None:
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=work, args=(self,), name="tradovate-keep-alive", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def pause(self, seconds: float) -> bool:
        """Sleep; False when stop() was called meanwhile (then the work should return)."""
        return not self._stopping.wait(seconds)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()


def pause(clock: Any, seconds: float) -> None:
    """Wait `seconds`, or let an injected clock skip them."""
    if clock is None:
        time.sleep(seconds)
    else:
        clock.sleep(seconds)


class OneCallPerTarget:
    """At most one liquidation of a position at a time on one client (see the async twin)."""

    def __init__(self) -> None:
        self._table = LockTable(threading.Lock)
        self._use, self._done = self._table.use, self._table.done

    @contextmanager
    def hold(self, key: tuple[int, int]) -> Iterator[None]:
        lock = self._use(key)
        try:
            with lock:
                yield
        finally:
            self._done(key)

    def take(self, step: Hold) -> None:
        """Acquire the locks of `step.keys` in their (sorted) order; their release goes
        in `step` (the protocol calls it on the thread that took them)."""
        taken: list[tuple[tuple[int, int], threading.Lock]] = []

        def release() -> None:
            while taken:
                key, lock = taken.pop()
                lock.release()
                self._done(key)

        for key in step.keys:
            lock = self._use(key)
            lock.acquire()
            taken.append((key, lock))
        step.release = release


def read_bounded(
    response: httpx.Response, max_bytes: int, deadline: float, seconds: float
) -> httpx.Response:
    """Fetch the answer's chunks for _reading.AnswerReader, which has the rules; closes it."""
    try:
        reader = AnswerReader(response, max_bytes, deadline, seconds)
        if reader.streaming:
            for chunk in response.iter_raw():
                reader.feed(chunk)
        return reader.finish()
    finally:
        response.close()

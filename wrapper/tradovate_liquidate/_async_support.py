"""What only the async client does differently: how it waits, asks for a token, fans out,
waits for another caller's sign-in, and renews in the background.

tools/unasync.py writes _client.py from _async_client.py, replacing this module by
_sync_support.py, which has the same names.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

from ._batch import Batch
from ._batch import Outcome as BatchOutcome
from ._deadline import DEADLINE, exceeded_message
from ._exceptions import TradovateError
from ._jobs import Jobs, PhaseRun, run_tasks
from ._locks import LockTable
from ._reading import AnswerReader
from ._steps import Hold, T
from ._tokens import bad_token_source, returned_token
from ._transports import async_http

if TYPE_CHECKING:  # _session.py is loaded only by a client that has a session
    from ._session import Flight, TokenManager

    #: A token, or a callable (sync or async) that returns the current one.
    TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | TokenManager | None

sleep = asyncio.sleep


@asynccontextmanager
async def within(seconds: float) -> AsyncIterator[float]:
    """Cancel what runs inside after `seconds`; yields the deadline (a monotonic time)."""
    deadline = time.monotonic() + seconds
    reset = DEADLINE.set(deadline)
    try:
        async with asyncio.timeout(seconds):
            yield deadline
    except TimeoutError:
        raise httpx.ReadTimeout(exceeded_message(seconds)) from None
    finally:
        DEADLINE.reset(reset)


async def current_token(source: Any) -> str | None:
    if source is None or isinstance(source, str):
        return source  # None: a TokenManager stamps each request (see _session_steps.py)
    try:
        token = source()
        if inspect.isawaitable(token):
            token = await token
    except Exception as exc:
        raise bad_token_source(exc) from None
    return returned_token(token)


async def run_batch(batch: Batch, call: Callable[..., Awaitable[Any]]) -> list[BatchOutcome]:
    """Every target of the batch through `call`, `batch.workers` asyncio tasks at a time."""
    await run_tasks(batch, lambda liquidation: call(*liquidation))
    return batch.outcomes()


async def run_jobs(jobs: Jobs, drive: Callable[[Any], Awaitable[Any]]) -> Jobs:
    """Drive every job of one phase, `jobs.workers` tasks at a time; after an error
    of STOPPING (see Jobs.stop) nothing new starts, and it is kept as `jobs.stopped`."""

    async def call(arguments: dict[str, Any]) -> Any:
        try:
            return await drive(arguments["job"])
        except TradovateError as exc:
            jobs.fail(arguments, exc)

    await run_tasks(jobs, call)
    return jobs


async def run_phases(
    phases: Generator[Any, Jobs, T], workers: int, drive: Callable[[Any], Awaitable[Any]]
) -> T:
    """Run each phase's jobs (see _accounts.py and _batch.PhaseRun), as tasks."""
    run = PhaseRun(phases, workers)
    while (jobs := run.next_jobs()) is not None:
        with run.aborting():
            run.ended(await run_jobs(jobs, drive))
    return run.result()


def new_http_client(
    transport: httpx.AsyncBaseTransport | None, *, http_backend: str, **options: Any
) -> httpx.AsyncClient:
    """The httpx client a client owns: see _transports.py for which connection layer."""
    return async_http(transport, http_backend=http_backend, **options)


async def wait_for(flight: Flight) -> None:
    """Until another caller's sign-in or renewal is over (it may run on another thread)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def resolve() -> None:
        if not done.done():
            done.set_result(None)

    flight.add_done_callback(lambda: loop.call_soon_threadsafe(resolve))
    await done


_detached: set[asyncio.Task[Any]] = set()


async def detached(work: Coroutine[Any, Any, T]) -> T:
    """`work` as a task of its own: cancelling the caller does not cancel it (a sign-in
    goes on, and its token is kept for the next call)."""
    task = asyncio.ensure_future(work)
    _detached.add(task)  # the loop keeps only weak references to its tasks
    task.add_done_callback(_detached.discard)
    return await asyncio.shield(task)


class Background:
    """Runs `work(self)` as an asyncio task until stop(); `pause` is its interruptible sleep."""

    def __init__(self, work: Callable[[Background], Coroutine[Any, Any, None]]) -> None:
        self._work = work
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._work(self))

    def running(self) -> bool:
        """False once the task ended, or the event loop that ran it did (asyncio.run)."""
        task = self._task
        return task is not None and not task.done() and not task.get_loop().is_closed()

    async def pause(self, seconds: float) -> bool:
        """Sleep; False when stop() was called meanwhile (then the work should return)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return not self._stopping.is_set()

    async def stop(self) -> None:
        self._stopping.set()
        task, self._task = self._task, None
        if (
            task is not None
            and task is not asyncio.current_task()
            and task.get_loop() is asyncio.get_running_loop()  # else its loop is gone
        ):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def pause(clock: Any, seconds: float) -> None:
    """Wait `seconds`, or let an injected clock skip them (yielding to the loop once)."""
    if clock is None:
        await asyncio.sleep(seconds)
    else:
        clock.sleep(seconds)
        await asyncio.sleep(0)


class OneCallPerTarget:
    """At most one liquidation of a position at a time on one client.

    A second call for the same position waits for the first to end, then reads what it
    did (the target is pending) instead of sending a second closing order alongside it.
    liquidate_position holds its position's lock around the whole call; liquidate_account
    and liquidate_accounts take theirs through a _steps.Hold (see `take`).
    """

    def __init__(self) -> None:
        self._table = LockTable(asyncio.Lock)
        self._use, self._done = self._table.use, self._table.done

    @asynccontextmanager
    async def hold(self, key: tuple[int, int]) -> AsyncIterator[None]:
        lock = self._use(key)
        try:
            async with lock:
                yield
        finally:
            self._done(key)

    async def take(self, step: Hold) -> None:
        """Acquire the locks of `step.keys` in their (sorted) order and put their release
        in `step`; a call cancelled while waiting gives back what it had taken."""
        taken: list[tuple[tuple[int, int], asyncio.Lock]] = []

        def release() -> None:
            while taken:
                key, lock = taken.pop()
                lock.release()
                self._done(key)

        try:
            for key in step.keys:
                lock = self._use(key)
                try:
                    await lock.acquire()
                except BaseException:
                    self._done(key)
                    raise
                taken.append((key, lock))
        except BaseException:
            release()
            raise
        step.release = release


async def read_bounded(
    response: httpx.Response, max_bytes: int, deadline: float, seconds: float
) -> httpx.Response:
    """Fetch the answer's chunks for _reading.AnswerReader, which has the rules; closes it."""
    try:
        reader = AnswerReader(response, max_bytes, deadline, seconds)
        if reader.streaming:
            async for chunk in response.aiter_raw():
                reader.feed(chunk)
        return reader.finish()
    finally:
        await response.aclose()

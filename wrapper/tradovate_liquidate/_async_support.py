"""What only the async client does differently: how it waits, asks for a token, fans out.

tools/unasync.py writes _client.py from _async_client.py, replacing this module by
_sync_support.py, which has the same names.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from ._base import bad_token_source
from ._batch import Batch
from ._batch import Outcome as BatchOutcome
from ._config import check_token
from ._exceptions import TradovateError

#: A token, or a callable (sync or async) that returns the current one.
TokenSource = str | Callable[[], str] | Callable[[], Awaitable[str]] | None

sleep = asyncio.sleep


async def current_token(source: Any) -> str:
    if isinstance(source, str):
        return source
    try:
        token = source()
        if inspect.isawaitable(token):
            token = await token
    except Exception as exc:
        raise bad_token_source(exc) from None
    return check_token(token)


async def run_batch(batch: Batch, call: Callable[..., Awaitable[Any]]) -> list[BatchOutcome]:
    """Every target of the batch through `call`, `batch.workers` asyncio tasks at a time."""
    pending = iter(range(len(batch.targets)))  # shared by the workers; next() never awaits

    async def worker() -> None:
        for index in pending:
            outcome: BatchOutcome
            try:
                outcome = await call(**batch.call_arguments(index))
            except TradovateError as exc:
                outcome = exc
            batch.record(index, outcome)

    await asyncio.gather(*(worker() for _ in range(batch.workers)))
    return batch.outcomes()


async def pause(clock: Any, seconds: float) -> None:
    """Wait `seconds`, or let an injected clock skip them (yielding to the loop once)."""
    if clock is None:
        await asyncio.sleep(seconds)
    else:
        clock.sleep(seconds)
        await asyncio.sleep(0)

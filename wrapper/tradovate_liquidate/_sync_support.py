"""What only the sync client does differently: how it waits, asks for a token, fans out.

The counterpart of _async_support.py, with the same names (see tools/unasync.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ._base import bad_token_source
from ._batch import Batch
from ._batch import Outcome as BatchOutcome
from ._config import check_token
from ._exceptions import TradovateError

#: A token, or a callable that returns the current one.
TokenSource = str | Callable[[], str] | None

sleep = time.sleep


def current_token(source: Any) -> str:
    if isinstance(source, str):
        return source
    try:
        token = source()
    except Exception as exc:
        raise bad_token_source(exc) from None
    return check_token(token)


def run_batch(batch: Batch, call: Callable[..., Any]) -> list[BatchOutcome]:
    """Every target of the batch through `call`, on `batch.workers` threads."""

    def liquidate(index: int) -> None:
        outcome: BatchOutcome
        try:
            outcome = call(**batch.call_arguments(index))
        except TradovateError as exc:
            outcome = exc
        batch.record(index, outcome)

    from concurrent.futures import ThreadPoolExecutor  # here: a single call never needs it

    with ThreadPoolExecutor(max_workers=batch.workers) as pool:
        for _ in pool.map(liquidate, range(len(batch.targets))):
            pass
    return batch.outcomes()


def pause(clock: Any, seconds: float) -> None:
    """Wait `seconds`, or let an injected clock skip them."""
    if clock is None:
        time.sleep(seconds)
    else:
        clock.sleep(seconds)

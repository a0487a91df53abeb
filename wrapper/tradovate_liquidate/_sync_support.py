"""What only the sync client does differently: how it waits, asks for a token, fans out.

The counterpart of _async_support.py, with the same names (see tools/unasync.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ._base import bad_token_source
from ._batch import Batch
from ._batch import Outcome as BatchOutcome
from ._config import check_token
from ._deadline import DEADLINE
from ._exceptions import TradovateError

#: A token, or a callable that returns the current one.
TokenSource = str | Callable[[], str] | None

sleep = time.sleep


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Every read and write inside is cut to the time left (see _deadline.py); yields the
    deadline, which the body reader checks between chunks. A thread cannot be cancelled,
    so the connection layer is what keeps a trickled answer within it."""
    deadline = time.monotonic() + seconds
    reset = DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        DEADLINE.reset(reset)


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

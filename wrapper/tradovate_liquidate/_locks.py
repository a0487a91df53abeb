"""The locks by position behind OneCallPerTarget, for both drivers.

A lock is made on first use and dropped once no caller holds or waits for it, so a run
over thousands of positions keeps none afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

L = TypeVar("L")
Key = tuple[int, int]


class LockTable(Generic[L]):
    """Locks of kind L (threading.Lock or asyncio.Lock) by (account, contract), counted."""

    def __init__(self, new_lock: Callable[[], L]) -> None:
        self._new_lock = new_lock
        self._guard = threading.Lock()  # the sync driver's threads; never contended in asyncio
        self._locks: dict[Key, tuple[L, int]] = {}

    def use(self, key: Key) -> L:
        """The position's lock, counted as used until `done`."""
        with self._guard:
            lock, users = self._locks.get(key) or (self._new_lock(), 0)
            self._locks[key] = (lock, users + 1)
            return lock

    def done(self, key: Key) -> None:
        with self._guard:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

"""Targets whose outcome the server has not confirmed: never sent again without a read.

A target is pending from its first uncertain send (an OutcomeUnknownError, a
NotLiquidatedError, or a closing order not known to be filled) until the server's records
settle it. The CLI keeps them in a small JSON file so that a second run verifies first.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import NamedTuple

Key = tuple[int, int]  # (account_id, contract_id)


class Pending(NamedTuple):
    since: float  # wall-clock time of the first send still unsettled
    order_id: int | None
    tag: str | None = None  # the custom_tag of that first send: its order carries it


class PendingTargets:
    """A thread-safe registry; with `path`, every change is written to that file."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._entries: dict[Key, Pending] = self._load()

    def get(self, key: Key) -> Pending | None:
        with self._lock:
            return self._entries.get(key)

    def add(self, key: Key, since: float, order_id: int | None, tag: str | None = None) -> None:
        """Pending from `since`, unless it already is from earlier (the first send counts)."""
        with self._lock:
            known = self._entries.get(key)
            if known is None:
                self._entries[key] = Pending(since, order_id, tag)
            else:
                self._entries[key] = Pending(
                    min(known.since, since),
                    known.order_id if order_id is None else order_id,
                    known.tag,
                )
            self._save()

    def clear(self, key: Key) -> None:
        with self._lock:
            if self._entries.pop(key, None) is not None:
                self._save()

    def keys(self) -> list[Key]:
        with self._lock:
            return sorted(self._entries)

    def _load(self) -> dict[Key, Pending]:
        if self._path is None or not self._path.exists():
            return {}
        try:
            rows = json.loads(self._path.read_text(encoding="utf-8"))
            return {
                (int(row["account_id"]), int(row["contract_id"])): Pending(
                    float(row["since"]),
                    None if row.get("order_id") is None else int(row["order_id"]),
                    None if row.get("tag") is None else str(row["tag"]),
                )
                for row in rows
            }
        except (OSError, ValueError, TypeError, KeyError) as exc:
            # A state file we cannot read must not let the CLI send blind.
            raise ValueError(f"pending state file {self._path}: unreadable ({exc})") from None

    def _save(self) -> None:
        if self._path is None:
            return
        rows = [
            {
                "account_id": a,
                "contract_id": c,
                "since": p.since,
                "order_id": p.order_id,
                "tag": p.tag,
            }
            for (a, c), p in sorted(self._entries.items())
        ]
        # Private (it names accounts and orders), and written under a name of its own so
        # that two processes saving at once never share or remove each other's file.
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # here: only a client that keeps a pending file needs it

        descriptor, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".pending-")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(json.dumps(rows, indent=1))
            os.replace(temporary, self._path)  # never a half-written file
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

"""Targets whose outcome the server has not confirmed: never sent again without a read.

A target is pending from its first uncertain send (an OutcomeUnknownError, a
NotLiquidatedError, or a closing order not known to be filled) until the server's records
settle it. The CLI keeps them in a small JSON file so that a second run verifies first.

With a file, the file is the record: every read and change re-reads it under an
exclusive lock (flock on a `.lock` file beside it), so processes sharing it never lose
each other's entries. A file that cannot be written is refused when the client is built,
before anything is sent; a write that fails later is logged, never raised after a send.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

try:
    import fcntl
except ImportError:  # not on POSIX: one process per state file
    fcntl = None  # type: ignore[assignment]

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
        if self._path is not None:
            _check_writable(self._path)
        self._entries: dict[Key, Pending] = self._load()

    def get(self, key: Key) -> Pending | None:
        if self._path is None:  # memory alone: every call asks, so no lock object is made
            return self._entries.get(key)
        with self._lock, self._file_lock():
            return self._entries.get(key)

    def add(self, key: Key, since: float, order_id: int | None, tag: str | None = None) -> None:
        """Pending from `since`, unless it already is from earlier (the first send counts)."""
        with self._lock, self._file_lock():
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
        with self._lock, self._file_lock():
            if self._entries.pop(key, None) is not None:
                self._save()

    def keys(self) -> list[Key]:
        with self._lock, self._file_lock():
            return sorted(self._entries)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Holds the file's lock, with the entries re-read from it (memory alone: no-op)."""
        if self._path is None:
            yield
            return
        if fcntl is None:
            self._entries = self._load()
            yield
            return
        descriptor = os.open(
            self._path.with_name(self._path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600
        )
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            self._entries = self._load()
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

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
        try:
            self._write()
        except OSError as exc:
            # The request has gone out by now: raising would lose its outcome. The entry
            # stays in memory, so this client still reads before sending again.
            logging.getLogger("tradovate_liquidate").warning(
                "pending state file %s could not be written (%s): a later run will not "
                "know this target is unsettled; check its orders before liquidating it",
                self._path,
                exc,
            )

    def _write(self) -> None:
        assert self._path is not None
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


def _check_writable(path: Path) -> None:
    """Refuse a state file that cannot be written, before anything is sent."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise ValueError(f"pending_file: {path} cannot be written ({exc.strerror})") from None

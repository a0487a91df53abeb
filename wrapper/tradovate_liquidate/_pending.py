"""Targets whose outcome the server has not confirmed: never sent again without a read.

A target is pending from its first uncertain send (an OutcomeUnknownError, a
NotLiquidatedError, or a closing order not known to be filled) until the server's records
settle it. The CLI keeps them in a small JSON file so that a second run verifies first.

With a file, the file is the record: every read and change re-reads it under an
exclusive lock (flock on a `.lock` file beside it), so processes sharing it never lose
each other's entries. A file that cannot be written is refused when the client is built,
before anything is sent; a write that fails later is logged, never raised after a send.

A file that cannot be read (not JSON, not a list, a row without its account and contract)
may hold any target, so every target is refused (an entry with a `problem`, which the
call turns into OutcomeUnknownError before sending), and the file is never overwritten:
its entries are still someone's record. A row whose account and contract read but whose
`since` (NaN, infinite, not a number), `order_id` or `tags` does not, refuses that target
alone. Ids must be integers (1.5 or true would name another target): a row whose ids do
not read makes the whole file unreadable, as do JSON nested too deeply and numbers too
large for a float.

An entry keeps every customTag50 sent for its target since the first send (`tags`; a
file written before that has one `tag`, still read): a retry under another custom_tag
sends that tag, and the pending check looks for an order carrying any of them.

Entries are dropped once settled (see _outcome.py). Growth is bounded: past MAX_ANSWERED
entries whose closing order the server named in a Success answer, the oldest of those
are dropped, down to three quarters of it (so the search for them runs once per quarter
of MAX_ANSWERED adds, not on every call); an entry whose outcome is unknown is never
dropped for room.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
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
#: At most this many entries from Success answers with an order id are kept (oldest go).
MAX_ANSWERED = 1000


class Pending(NamedTuple):
    since: float  # the first send still unsettled, by the server's clock when known
    order_id: int | None
    tags: tuple[str, ...] = ()  # every customTag50 sent since: each send's order carries one
    answered: bool = False  # the server's Success answer named the order
    problem: str | None = None  # the state file's entry could not be read: refuse


class PendingTargets:
    """A thread-safe registry; with `path`, every change is written to that file."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._path = None if path is None else Path(path)
        self._lock = threading.Lock()
        if self._path is not None:
            _check_writable(self._path)
        self._broken: str | None = None  # why the whole file could not be read
        self._entries: dict[Key, Pending] = self._load()

    def get(self, key: Key) -> Pending | None:
        if self._path is None:  # memory alone: every call asks, so no lock object is made
            return self._entries.get(key)
        return self.entries_among([key]).get(key)

    def entries_among(self, keys: list[Key]) -> dict[Key, Pending]:
        """The entries of the keys that have one (every key, with the file's problem, when
        the file cannot be read): one lock and one read of the file for all, where `get`
        takes them once per key."""
        with self._lock, self._file_lock():
            if self._broken is not None:
                return dict.fromkeys(keys, Pending(math.nan, None, problem=self._broken))
            return {key: self._entries[key] for key in keys if key in self._entries}

    def add(
        self,
        key: Key,
        since: float,
        order_id: int | None,
        tag: str | None = None,
        *,
        answered: bool = False,
    ) -> None:
        """Pending from `since`, unless it already is from earlier (the first send counts).

        `tag` joins the entry's tags: a retry may carry another tag than the first send
        (a caller's custom_tag wins), and an order of either send is ours."""
        self.add_all([key], since, tag, order_id=order_id, answered=answered)

    def add_all(
        self,
        keys: list[Key],
        since: float,
        tag: str | None = None,
        *,
        order_id: int | None = None,
        answered: bool = False,
    ) -> None:
        """`add` for each key, under one lock and with one write (a bulk request's 100)."""
        tags = () if tag is None else (tag,)
        with self._lock, self._file_lock():
            for key in keys:
                known = self._entries.get(key)
                if known is None:
                    self._entries[key] = Pending(since, order_id, tags, answered)
                    continue
                self._entries[key] = Pending(
                    min(known.since, since),
                    known.order_id if order_id is None else order_id,
                    known.tags + tuple(t for t in tags if t not in known.tags),
                    answered and known.answered,
                    known.problem,
                )
            self._bound()
            self._save()

    def _bound(self) -> None:
        if len(self._entries) <= MAX_ANSWERED:
            return  # every call comes here: scanning 1,000 entries each time cost 60% of one
        answered = [key for key, entry in self._entries.items() if entry.answered]
        if len(answered) > MAX_ANSWERED:
            answered.sort(key=lambda key: self._entries[key].since)
            keep = MAX_ANSWERED - MAX_ANSWERED // 4
            for key in answered[: len(answered) - keep]:
                del self._entries[key]

    def clear(self, *keys: Key) -> None:
        """Settled: each key's entry goes (one write for all, under one file lock)."""
        with self._lock, self._file_lock():
            if [self._entries.pop(key, None) for key in keys].count(None) < len(keys):
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
        self._broken = None
        if self._path is None or not self._path.exists():
            return {}
        try:
            rows = json.loads(self._path.read_text(encoding="utf-8"))
            if not isinstance(rows, list):
                raise TypeError("not a JSON list")
            entries = dict(_entry(row, self._path) for row in rows)
        except (
            OSError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            RecursionError,  # nested too deeply for json
            OverflowError,  # an id of 1e999
        ) as exc:
            # Any target may be in it: none may be sent blind (see the module docstring).
            self._broken = f"the pending state file {self._path} cannot be read ({exc})"
            return {}
        return entries

    def _save(self) -> None:
        if self._path is None or self._broken is not None:
            return  # an unreadable file is someone's record: never written over
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
                "since": None if p.problem is not None else p.since,
                "order_id": p.order_id,
                "tags": list(p.tags),
                "answered": p.answered,
                **({} if p.problem is None else {"problem": p.problem}),
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


def _entry(row: dict[str, object], path: Path) -> tuple[Key, Pending]:
    """One row of the file; a row that names its target but not the rest is a problem.

    Tags are read from `tags` (a list) or, as files before it wrote them, `tag` (one)."""
    key = (_id(row["account_id"]), _id(row["contract_id"]))
    if isinstance(row.get("problem"), str):  # kept as written by an earlier run
        return key, Pending(math.nan, None, problem=str(row["problem"]))
    try:
        since = row["since"]
        if isinstance(since, bool) or not isinstance(since, int | float):
            raise ValueError(f"since is {since!r}")
        if not math.isfinite(since):
            raise ValueError(f"since is {since}")
        order_id = row.get("order_id")
        if order_id is not None and (isinstance(order_id, bool) or not isinstance(order_id, int)):
            raise ValueError(f"order_id is {order_id!r}")
        tags = _tags(row)
    except (KeyError, ValueError, OverflowError) as exc:  # OverflowError: a since of 10**400
        problem = f"its entry in the pending state file {path} is unreadable ({exc})"
        return key, Pending(math.nan, None, problem=problem)
    return key, Pending(float(since), order_id, tags, row.get("answered") is True)


def _id(value: object) -> int:
    """An account or contract id as written: an int, never 1.5 or true read as another id
    (the whole file is then unreadable: the row's target is not known)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"an id that is not an integer: {str(value)[:40]}")
    return value


def _tags(row: dict[str, object]) -> tuple[str, ...]:
    if "tags" not in row:  # a file written before every tag was kept: one tag, or null
        tag = row.get("tag")
        if tag is not None and not isinstance(tag, str):
            raise ValueError(f"tag is {str(tag)[:80]}")
        return () if tag is None else (tag,)
    tags = row["tags"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValueError(f"tags is {str(tags)[:80]}")
    return tuple(dict.fromkeys(tags))


def _check_writable(path: Path) -> None:
    """Refuse a state file that cannot be written, before anything is sent."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise ValueError(f"pending_file: {path} cannot be written ({exc.strerror})") from None

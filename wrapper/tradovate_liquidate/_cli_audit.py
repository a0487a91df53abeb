"""--audit-log FILE: the client's audit records (see _audit.py) as JSON lines on disk.

- The file is opened for appending (never truncated), created with mode 0600 (an existing
  file keeps its mode), before anything is sent: one that cannot be opened is a usage
  error (exit 2) and nothing is sent.
- A "start" line opens each run (pid, version, base URL); every line carries the pid, so
  runs appended to one file stay apart.
- Each record is one line written with a single write(2), then fsync'd, all before
  on_event returns, so before the client sends the next request: a run killed at any
  point leaves whole lines that name every request sent.
- A write that fails mid-run (disk full, file gone read-only) is reported once on stderr
  and the liquidations go on: the positions matter more than the trail.
- Ctrl-C adds an "interrupted" line and leaves the file open until the process ends, so
  calls still in flight keep recording what they sent and what came back.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from ._audit import AuditRecord
from ._version import __version__

#: Ctrl-C: the shell's code for a command ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
AUDIT_LOG_HELP = "append a JSON line per request, answer and verdict to FILE (fsync'd)"


class AuditLog:
    """An on_event sink that appends each AuditRecord to a file as one JSON line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        try:
            self._fd: int | None = os.open(path, flags, 0o600)
        except OSError as exc:
            raise ValueError(f"--audit-log {path}: {exc.strerror}") from None
        self._lock = threading.Lock()
        self._warned = False
        # A short write (disk full) leaves a partial line: the next record starts on a
        # line of its own, so everything after it still reads as whole JSON lines.
        self._torn = False

    def __call__(self, record: AuditRecord) -> None:
        self.write(record.as_dict())

    def write(self, fields: dict[str, Any]) -> None:
        line = json.dumps({**fields, "pid": os.getpid()}, default=str) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            if self._fd is None:
                return
            if self._torn:
                data = b"\n" + data
            try:
                written = os.write(self._fd, data)
                if written:  # nothing written leaves the line as it was
                    self._torn = written < len(data)
                if written != len(data):
                    raise OSError("a short write (disk full?)")
                os.fsync(self._fd)
            except OSError as exc:
                self._warn(exc)

    def note(self, kind: str, **fields: Any) -> None:
        """A line of the command's own ("start", "interrupted"), beside the records."""
        stamp = datetime.now(UTC).isoformat(timespec="microseconds")
        self.write({"seq": None, "time": stamp, "kind": kind, **fields})

    def _warn(self, exc: OSError) -> None:
        if not self._warned:
            self._warned = True
            reason = exc.strerror or str(exc)
            print(
                f"warning: could not write the audit log {self.path}: {reason}; "
                "liquidating goes on, the log misses records from here",
                file=sys.stderr,
            )

    def close(self) -> None:
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class AuditRun:
    """The command's run with its --audit-log (or none): closes the log at the end, and
    turns Ctrl-C into a message and EXIT_INTERRUPTED instead of a traceback."""

    def __init__(self, log: AuditLog | None, path: Path | None) -> None:
        self.log, self.path = log, path

    def __enter__(self) -> AuditRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not isinstance(exc, KeyboardInterrupt):
            if self.log is not None:
                self.log.close()
            return
        if self.log is not None:  # left open: worker threads may still record until exit
            self.log.note("interrupted", message="Ctrl-C: calls in flight may still have acted")
        where = (
            "" if self.path is None else f" (the audit log {self.path} names every request sent)"
        )
        print(
            "tradovate-liquidate: interrupted. Liquidations already sent may have acted: "
            f"check positions before running again{where}.",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None


def audit_log(args: Any, client_kwargs: dict[str, Any]) -> AuditRun:
    """Open --audit-log (ValueError when it cannot be, before anything is sent) and make it
    the client's on_event in `client_kwargs`; the run's context (see AuditRun)."""
    path: Path | None = args.audit_log
    log = None if path is None else AuditLog(path)
    if log is not None:
        where = _without_userinfo(args.base_url) or args.env
        log.note("start", version=__version__, base_url=where)
    client_kwargs["on_event"] = log
    return AuditRun(log, path)


def _without_userinfo(url: str | None) -> str | None:
    """The URL without a user:password@ part: a password given there stays off the file."""
    if not url or "@" not in url:
        return url
    import httpx

    try:
        return str(httpx.URL(url).copy_with(username=None, password=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(a --base-url that cannot be parsed; not written, it may hold a password)"

"""The audit trail (on_event, --audit-log) must never change what the client
does, nor leave a line that cannot be read back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate import AuditRecord, Credentials, TradovateError
from tradovate_liquidate._cli_audit import AuditLog

from ..harness import Harness
from ..reliability.hostile import HostileServer, response

DEEP = b"[" * 200_000  # nested past any parser's depth (the client calls it unreadable)


def sign_in_outcome(harness: Harness, server: HostileServer, **extra: Any) -> object:
    credentials = Credentials("user", "password-canary", app_id="a", app_version="1", sec="s")
    kwargs = {"credentials": credentials, "base_url": server.base_url, "connect_backoff": 0}
    try:
        return harness.run({**kwargs, **extra}, lambda client: client.warm_up())
    except Exception as exc:
        return exc


def test_a_deeply_nested_sign_in_answer_is_the_same_error_with_on_event(
    harness: Harness,
) -> None:
    """Without on_event a sign-in answer nested too deeply is a TradovateError (an
    unreadable answer). With on_event, _audit._allowed_fields json.loads it again and
    lets RecursionError escape from the client: the audit changes what the caller gets,
    and a batch (or the command) dies outside the error tree."""
    with HostileServer([(response(DEEP), 0)]).running() as server:
        plain = sign_in_outcome(harness, server)
    assert isinstance(plain, TradovateError), plain
    records: list[AuditRecord] = []
    with HostileServer([(response(DEEP), 0)]).running() as server:
        audited = sign_in_outcome(harness, server, on_event=records.append)
    assert isinstance(audited, TradovateError), f"{type(audited).__name__}: {audited}"
    assert type(audited) is type(plain)


def test_a_short_write_does_not_merge_two_records_into_one_unreadable_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Disk full mid-run: a write(2) that writes only part of a line. The log warns and
    goes on; once space is back, the next record is appended right after the partial one,
    so the file no longer reads as whole JSON lines (README: 'leaves whole lines')."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    real_write = os.write
    full = {"on": False}

    def disk_full_once(fd: int, data: bytes) -> int:
        if full["on"] and fd == log._fd:
            full["on"] = False
            return real_write(fd, data[: len(data) // 2])  # what fitted before ENOSPC
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", disk_full_once)
    log.write({"seq": 1, "kind": "request", "path": "/v1/order/liquidateposition"})
    full["on"] = True
    log.write({"seq": 2, "kind": "answer", "text": '{"orderId": 1000001}'})
    log.write({"seq": 3, "kind": "verdict", "order_id": 1000001})  # space freed by now
    log.close()
    monkeypatch.undo()
    assert "could not write the audit log" in capsys.readouterr().err
    readable = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            readable.append(json.loads(line))
        except ValueError:
            continue
    # The verdict written after the failure must still be a line of its own.
    assert [record["seq"] for record in readable] == [1, 3]

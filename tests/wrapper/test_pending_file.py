"""The pending state file: shared safely, refused early if unwritable, no raise after a send."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate._pending import PendingTargets
from tradovate_liquidate.testing import FakeTradovate, Fault

from ..harness import Harness
from .conftest import ACCOUNT, CONTRACT


def test_two_writers_of_one_file_keep_each_others_entries(tmp_path: Path) -> None:
    path = tmp_path / "pending.json"
    first, second = PendingTargets(path), PendingTargets(path)  # two processes, each loaded
    first.add((1, 2), 100.0, None)
    second.add((3, 4), 200.0, 7)
    third = PendingTargets(path)
    assert third.keys() == [(1, 2), (3, 4)]
    assert first.get((3, 4)) is not None, "a read sees what another writer added"
    second.clear((1, 2))
    assert first.get((1, 2)) is None
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_an_unwritable_state_file_is_refused_before_anything_is_sent(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ValueError, match=r"pending_file: .* cannot be written"):
        harness.liquidate({**on_fake, "pending_file": blocker / "pending.json"}, ACCOUNT, CONTRACT)
    assert fake.requests == []


def test_a_state_file_that_fails_after_the_send_is_logged_not_raised(
    harness: Harness,
    fake: FakeTradovate,
    on_fake: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(self: PendingTargets) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PendingTargets, "_write", disk_full)
    fake.inject(Fault.drop_connection())
    client_kwargs = {**on_fake, "pending_file": tmp_path / "pending.json"}
    caplog.set_level(logging.WARNING, logger="tradovate_liquidate")
    result = harness.liquidate(client_kwargs, ACCOUNT, CONTRACT)  # the answer is lost: verified
    assert result.verified
    assert result.order_id == fake.placed[0].order_id, "the outcome is kept, not raised away"
    assert "could not be written" in caplog.text
    assert len(fake.placed) == 1

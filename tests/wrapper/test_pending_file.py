"""The pending state file: shared safely, refused early if unwritable, no raise after a send."""

from __future__ import annotations

import json
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


def test_the_state_file_keeps_every_tag_sent_for_a_target(tmp_path: Path) -> None:
    """A retry under another custom_tag adds its tag; the first send's stays (and its
    `since`): an order carrying either is ours."""
    path = tmp_path / "pending.json"
    writer = PendingTargets(path)
    writer.add((1, 2), 100.0, None, "desk-1")
    writer.add((1, 2), 130.0, None, "desk-2")
    writer.add((1, 2), 160.0, None, "desk-1")
    entry = PendingTargets(path).get((1, 2))
    assert entry is not None
    assert (entry.since, entry.tags, entry.problem) == (100.0, ("desk-1", "desk-2"), None)
    (row,) = json.loads(path.read_text())
    assert row["tags"] == ["desk-1", "desk-2"]
    assert "tag" not in row, "an older client then reads no tag: any candidate counts"


@pytest.mark.parametrize(
    ("row", "tags"),
    [
        ({"tag": "desk-1"}, ("desk-1",)),  # written before every tag was kept
        ({"tag": None}, ()),
        ({}, ()),
        ({"tags": ["a", "b"]}, ("a", "b")),
    ],
)
def test_a_state_file_row_with_one_tag_or_many_is_read(
    tmp_path: Path, row: dict[str, Any], tags: tuple[str, ...]
) -> None:
    path = tmp_path / "pending.json"
    path.write_text(json.dumps([{"account_id": 1, "contract_id": 2, "since": 5.0, **row}]))
    entry = PendingTargets(path).get((1, 2))
    assert entry is not None
    assert (entry.tags, entry.problem) == (tags, None)


@pytest.mark.parametrize("row", [{"tags": "a"}, {"tags": [1]}, {"tag": 7}, {"since": 10**400}])
def test_a_state_file_row_with_unreadable_tags_refuses_its_target_alone(
    tmp_path: Path, row: dict[str, Any]
) -> None:
    path = tmp_path / "pending.json"
    rows = [{"account_id": 1, "contract_id": 2, "since": 5.0, **row}]
    rows.append({"account_id": 3, "contract_id": 4, "since": 5.0})
    path.write_text(json.dumps(rows))
    pending = PendingTargets(path)
    broken, fine = pending.get((1, 2)), pending.get((3, 4))
    assert broken is not None
    assert broken.problem is not None
    assert fine is not None
    assert fine.problem is None


@pytest.mark.parametrize("ids", [(1.5, 2), (True, 2), (1, "2")])
def test_a_state_file_row_whose_ids_do_not_read_makes_the_file_unreadable(
    tmp_path: Path, ids: tuple[Any, Any]
) -> None:
    """1.5 or true read as int would name another target: which one is unknown."""
    path = tmp_path / "pending.json"
    row = {"account_id": ids[0], "contract_id": ids[1], "since": 5.0}
    path.write_text(json.dumps([row]))
    entry = PendingTargets(path).get((9, 9))
    assert entry is not None
    assert entry.problem is not None
    assert "cannot be read" in entry.problem

"""A pending state file that cannot be read refuses targets, never crashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate import OutcomeUnknownError, TradovateError
from tradovate_liquidate.testing import FakeTradovate

from ..harness import Harness

ACCOUNT, CONTRACT = 100_001, 3_570_918

ROW = {"account_id": ACCOUNT, "contract_id": CONTRACT, "order_id": None, "tag": None}
BROKEN = {
    # json.loads raises RecursionError, which _load does not catch
    "deeply nested": "[" * 100_000 + "]" * 100_000,
    # math.isfinite(10**400) raises OverflowError, caught neither by _entry nor by _load
    "huge since": json.dumps([{**ROW, "since": 10**400}]),
    # int(float("inf")) raises OverflowError too (json reads Infinity and 1e999)
    "infinite account": '[{"account_id": 1e999, "contract_id": 1, "since": 1.0}]',
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_an_unreadable_state_file_refuses_the_target_within_the_error_tree(
    harness: Harness, tmp_path: Path, name: str
) -> None:
    """_pending's docstring: "A file that cannot be read ... every target is refused (an
    entry with a `problem`, which the call turns into OutcomeUnknownError before
    sending)". These two files escape: the client cannot even be built (RecursionError,
    OverflowError) and the CLI died with a traceback instead of exit 4. The file is kept."""
    path = tmp_path / "pending.json"
    path.write_text(BROKEN[name])
    fake = FakeTradovate()
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=1)
    kwargs = {"token": fake.issue_token(), "transport": fake.transport(), "pending_file": path}
    try:
        outcome: Any = harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except TradovateError as error:
        outcome = error
    except Exception as error:
        pytest.fail(f"{type(error).__name__} escaped the error tree: {str(error)[:80]}")
    assert isinstance(outcome, OutcomeUnknownError), repr(outcome)
    assert fake.requests == []
    assert path.read_text() == BROKEN[name], "an unreadable file is never written over"

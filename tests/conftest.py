from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate._pending import PendingTargets

from .harness import Harness

# pytester drives the consumer-facing pytest plugin (tests/testing/test_pytest_plugin.py).
pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def private_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's own state (pending targets, token cache): every
    test, and every command it starts, gets a fresh state directory of its own."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("TRADOVATE_LIQUIDATE_STATE", str(state / "pending.json"))


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Harness:
    # Modules marked answer_only test what an answer alone means: their clients do not
    # verify (verify_outcome=False), so the server's records are never read.
    answer_only = request.node.get_closest_marker("answer_only") is not None
    return Harness(request.param, answer_only=answer_only)


@pytest.fixture
def state_file_loads(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """One entry per read of a pending state file (each locks it and reads it whole)."""
    loads: list[None] = []
    load = PendingTargets._load

    def counted(self: PendingTargets) -> Any:
        loads.append(None)
        return load(self)

    monkeypatch.setattr(PendingTargets, "_load", counted)
    return loads

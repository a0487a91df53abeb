"""The fake served over loopback, and the fault matrix printed as a table under `pytest -v`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tradovate_liquidate.testing import FakeServer, FakeTradovate


@pytest.fixture
def fake() -> FakeTradovate:
    return FakeTradovate()


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    """The test module's own `fake`, served over loopback."""
    with fake.serve() as server:
        yield server


MATRIX: list[tuple[str, ...]] = []


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not MATRIX or config.option.verbose < 1:
        return
    headers = (
        "fault",
        "client",
        "outcome",
        "POSTs",
        "reads",
        "orders",
        "called again: POSTs/reads",
    )
    rows = [headers, *sorted(MATRIX)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    terminalreporter.section("fault matrix (both clients, the fake over loopback)")
    for row in rows:
        terminalreporter.write_line(
            " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        )

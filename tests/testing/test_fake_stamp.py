"""The fake's timestamps: the instant as datetime rounds it to the microsecond, cut to the
millisecond, as its uncached formatting wrote it (the cache keys on the millisecond)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradovate_liquidate.testing import ManualClock
from tradovate_liquidate.testing._orders import stamp


def formatted(seconds: float) -> str:
    """The timestamp formatted from scratch, with no cache."""
    moment = datetime.fromtimestamp(seconds, UTC)
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_manual_clock_moved_by_tenths_is_stamped_at_its_tenths() -> None:
    clock = ManualClock()
    clock.advance(0.1)
    clock.advance(0.1)  # holds 1800000000.1999998: the microsecond rounds to .200000
    assert stamp(clock.time()) == "2027-01-15T08:00:00.200Z"


@pytest.mark.parametrize(
    "seconds", [1_000_000_000.9999996, -1e-7, 0.0009996, 1_000_000_000.9995, 0.0, -0.5]
)
def test_an_instant_next_to_a_millisecond_is_stamped_as_formatted(seconds: float) -> None:
    assert stamp(seconds) == formatted(seconds)


@given(st.floats(min_value=-1e10, max_value=4e9, allow_nan=False))
def test_every_instant_is_stamped_as_formatted(seconds: float) -> None:
    assert stamp(seconds) == formatted(seconds)

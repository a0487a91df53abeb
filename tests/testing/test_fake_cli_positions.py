"""`python -m tradovate_liquidate.testing --positions` must refuse what it
cannot hold as written (parser.error, exit 2), as it does for a malformed triple."""

from __future__ import annotations

import subprocess
import sys

import pytest

BAD = {
    # the second entry silently replaces the first: the fake holds -1, not 2 and -1
    "the same position twice": "123:3570918:2,123:3570918:-1",
    # ids the client refuses (positive int64) and the fake's own queries refuse (int64)
    "account id 0": "0:3570918:2",
    "a negative account id": "-5:3570918:2",
    "a negative contract id": "123:-7:2",
    "a net position past int64": "123:3570918:99999999999999999999999",
    # an empty list of positions serves the demo book instead of no position
    "an empty list": "",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_positions_are_a_usage_error_not_a_served_book(case: str) -> None:
    command = [sys.executable, "-m", "tradovate_liquidate.testing", "--token", "t"]
    fake = subprocess.Popen(
        [*command, f"--positions={BAD[case]}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        served = fake.stdout.readline().strip()  # the base URL once it serves; "" on exit
    finally:
        fake.terminate()
        _, stderr = fake.communicate(timeout=10)
    assert not served, f"{case}: served {served} instead of refusing --positions"
    assert fake.returncode == 2
    assert "--positions" in stderr

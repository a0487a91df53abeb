"""`make demo` runs the main job on the fake as a user would, and says that it worked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_flattens_an_account_and_settles_the_lost_answer() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "dry run, nothing was sent: 2 position(s) would be liquidated" in out
    assert "liquidated (verified)" in out  # the lost answer, settled from the records
    assert "1 account(s): 1 flat, 0 NOT known flat" in out
    assert "2 closing orders placed" in out  # one each, never sent twice

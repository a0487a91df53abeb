"""Regeneration is a drop-in: a spec that grows needs no hand edit anywhere else.

A copy of the project gets a new failureReason and a new optional answer field in its
spec, runs `make generate`, and then runs the client and fake tests against itself. They
pass unchanged, and a client call against the fake returns the new reason and keeps the
new field in `raw`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEW_REASON = "ReasonAddedNextYear"
SCRIPT = f"""
from tradovate_liquidate import KNOWN_FAILURE_REASONS, LiquidationClient, LiquidationRejected
from tradovate_liquidate.testing import FakeTradovate, Fault

assert {NEW_REASON!r} in KNOWN_FAILURE_REASONS
fake = FakeTradovate()
fake.add_position(account_id=1, contract_id=2, net_pos=1)
fake.inject(Fault.unknown_reason({NEW_REASON!r}), times=None)
fake.inject(Fault.extra_fields(settlementHint="T+1"), times=None)
with LiquidationClient(
    fake.issue_token(), transport=fake.transport(), verify_outcome=False
) as client:
    try:
        client.liquidate_position(1, 2)
    except LiquidationRejected as rejected:
        print(rejected.reason, rejected.raw["settlementHint"], rejected.order_id is not None)
"""


def tracked_files() -> list[str]:
    """The project's files: as git tracks them, or (an unpacked sdist) all but caches."""
    done = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode == 0:
        return done.stdout.split()
    skip = {".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis", "reports"}
    return [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
    ]


@pytest.fixture
def grown_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for name in tracked_files():
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    spec = copy / "spec" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace(
        "        - Unsupported\n", f"        - Unsupported\n        - {NEW_REASON}\n"
    )
    text = text.replace(
        "        orderId:\n          type: integer",
        "        settlementHint:\n          type: string\n"
        "        orderId:\n          type: integer",
        1,
    )
    spec.write_text(text, encoding="utf-8")
    # As when the vendor adds a reason: its page (the spec's source) lists it too.
    page = copy / "spec" / "sources" / "liquidateposition.txt"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            ", Unsupported\n", f", Unsupported, {NEW_REASON}\n"
        ),
        encoding="utf-8",
    )
    # The copy uses this project's virtualenv; -o keeps make from rebuilding it.
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


@pytest.mark.slow
def test_a_grown_spec_regenerates_and_everything_still_passes(grown_copy: Path) -> None:
    make = subprocess.run(
        ["make", "-o", ".venv/.ready", "generate"],
        cwd=grown_copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert make.returncode == 0, make.stdout + make.stderr
    generated = grown_copy / "generated" / "tradovate_api"
    assert NEW_REASON in (generated / "models" / "failure_reason.py").read_text()
    assert "settlement_hint" in (generated / "models" / "place_order_result.py").read_text()
    # The copy's packages come first on the path, ahead of this project's editable install.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(grown_copy / "wrapper"), str(grown_copy / "generated")]),
    }
    call = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=grown_copy, env=env, capture_output=True, text=True
    )
    assert call.stdout.split() == [NEW_REASON, "T+1", "True"], call.stderr
    tests = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
            "tests/wrapper", "tests/test_spec.py", "tests/testing/test_fake_state.py",
            "tests/testing/test_fake_faults.py",
        ],
        cwd=grown_copy,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout.splitlines()[-1]

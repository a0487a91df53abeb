"""tools/contract.py (make contract): the CLI run against the fake, and its guard for real hosts."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "contract.py")],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_against_the_fake_every_phase_passes_and_reports_are_written(tmp_path: Path) -> None:
    done = run({"BASE_URL": "", "REPORT_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stdout[-3000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in done.stdout
    (junit,) = tmp_path.glob("junit-*.xml")
    (har,) = tmp_path.glob("har-*.json")
    suite = ET.parse(junit).getroot()
    assert suite.get("failures") == "0"
    assert suite.get("errors") == "0"
    assert "Bearer" not in har.read_text(encoding="utf-8"), "the token must not reach the report"


def test_a_real_host_is_refused_without_a_person_to_confirm(tmp_path: Path) -> None:
    done = run(
        {
            "BASE_URL": "https://demo.tradovateapi.com/v1",
            "TRADOVATE_ACCESS_TOKEN": "not-used",
            "REPORT_DIR": str(tmp_path),
        }
    )
    assert done.returncode == 1
    assert "refusing to send liquidations to demo.tradovateapi.com" in done.stdout
    assert list(tmp_path.iterdir()) == [], "nothing ran"


def test_a_real_host_needs_a_token(tmp_path: Path) -> None:
    env = {"BASE_URL": "https://demo.tradovateapi.com/v1", "TRADOVATE_ACCESS_TOKEN": ""}
    done = run(env)
    assert done.returncode == 2
    assert "set TRADOVATE_ACCESS_TOKEN" in done.stdout

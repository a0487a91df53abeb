"""tools/generate.py: regeneration is reproducible and drift is caught with a clear message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the parts of the project the generator reads and writes."""
    for folder in ("spec", "tools", "generated"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = project / "tools" / "generate.py"
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=False
    )


def test_committed_generated_matches_the_spec(project: Path) -> None:
    done = run(project, "--check")
    assert done.returncode == 0, done.stderr


def test_generating_twice_changes_nothing(project: Path) -> None:
    before = {
        p.relative_to(project): p.read_bytes()
        for p in (project / "generated").rglob("*")
        if p.is_file()
    }
    assert run(project).returncode == 0
    assert run(project).returncode == 0
    after = {
        p.relative_to(project): p.read_bytes()
        for p in (project / "generated").rglob("*")
        if p.is_file()
    }
    assert after == before


def test_spec_edit_without_regenerating_fails_naming_files_and_the_fix(project: Path) -> None:
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "maxLength: 8192\n          description: The server's",
            "maxLength: 4096\n          description: The server's",
        ),
        encoding="utf-8",
    )
    done = run(project, "--check")
    assert done.returncode == 1
    assert "generated/stamp.json (differs)" in done.stderr
    assert "Run `make generate`" in done.stderr

    assert run(project).returncode == 0
    assert run(project, "--check").returncode == 0


def test_hand_edit_of_generated_code_is_caught(project: Path) -> None:
    target = project / "generated" / "tradovate_api" / "models" / "place_order_result.py"
    target.write_text(target.read_text() + "# tweak\n", encoding="utf-8")
    (project / "generated" / "tradovate_api" / "extra.py").write_text("", encoding="utf-8")
    done = run(project, "--check")
    assert done.returncode == 1
    assert "tradovate_api/models/place_order_result.py (differs)" in done.stderr
    assert "tradovate_api/extra.py (not generated from the spec)" in done.stderr


def test_every_generated_file_says_it_is_generated() -> None:
    sources = sorted((ROOT / "generated" / "tradovate_api").rglob("*.py"))
    assert sources
    for source in sources:
        first = source.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# generated from spec/openapi.yaml by `make generate`; do not edit", source
    assert (ROOT / "generated" / "tradovate_api" / "py.typed").exists()

"""One version, written once in _version.py: the package, its metadata and the command agree."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import tradovate_liquidate
from tradovate_liquidate import _version


def test_the_installed_metadata_carries_the_packages_version() -> None:
    assert importlib.metadata.version("tradovate-liquidate") == tradovate_liquidate.__version__


def test_the_version_is_written_once() -> None:
    assert tradovate_liquidate.__version__ is _version.__version__
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", _version.__version__)


def test_the_command_prints_its_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tradovate_liquidate", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"tradovate-liquidate {tradovate_liquidate.__version__}\n"


def test_the_changelog_has_unreleased_and_a_section_for_the_current_version() -> None:
    changelog = (Path(__file__).resolve().parents[2] / "CHANGELOG.md").read_text()
    sections = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert sections[0] == "Unreleased"
    assert tradovate_liquidate.__version__ in sections

"""The sdist is the project: unpacked, it holds every file `make test` needs."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

#: What `make test` and `make demo` read, named so that a missing one is spelt out.
NEEDED = {
    "Makefile",
    "pyproject.toml",
    "schemathesis.toml",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "spec/openapi.yaml",
    "spec/generator.yaml",
    "tools/generate.py",
    "tools/demo.py",
    "tools/vendor.py",
    "tests/conftest.py",
    "generated/tradovate_api/client.py",
    "wrapper/tradovate_liquidate/_version.py",
    "wrapper/tradovate_liquidate/py.typed",
}


def unpacked_files(archive: Path, into: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (top,) = into.iterdir()
    return {path.relative_to(top).as_posix() for path in top.rglob("*") if path.is_file()}


def git_files(*args: str) -> set[str]:
    done = subprocess.run(
        ["git", "ls-files", "-z", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")
    return {name for name in done.stdout.split("\0") if name and (ROOT / name).is_file()}


def test_the_sdist_holds_what_make_test_needs(sdist: Path, tmp_path: Path) -> None:
    files = unpacked_files(sdist, tmp_path)
    assert NEEDED - files == set()
    assert "PKG-INFO" in files


def test_the_sdist_holds_every_tracked_file_and_nothing_git_ignores(
    sdist: Path, tmp_path: Path
) -> None:
    files = unpacked_files(sdist, tmp_path)
    tracked = git_files()
    not_yet_tracked = git_files("--others", "--exclude-standard")
    assert tracked - files == set(), "tracked files missing from the sdist"
    assert files - tracked - not_yet_tracked == {"PKG-INFO"}, "ignored files in the sdist"

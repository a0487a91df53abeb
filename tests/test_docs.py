"""The docs say only what is true: their commands, options and links are checked here.

- Every fenced block marked `run` (```sh run, ```python run) is run, and must succeed.
- Every `make TARGET` named in the docs is a target of the Makefile.
- Every `--option` shown with `tradovate-liquidate` is one its --help lists.
- Every relative link points to a file that exists.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(marker: str = "") -> list[tuple[Path, str, str]]:
    found = []
    for doc in DOCS:
        for language, info, body in FENCE.findall(doc.read_text(encoding="utf-8")):
            if marker in info.split() or not marker:
                found.append((doc, language, body))
    return found


RUNNABLE = blocks("run")


def test_there_are_runnable_blocks() -> None:
    assert {language for _, language, _ in RUNNABLE} >= {"sh", "python"}


@pytest.mark.parametrize(
    ("doc", "language", "body"),
    RUNNABLE,
    ids=[f"{doc.name}:{i}" for i, (doc, _, _) in enumerate(RUNNABLE)],
)
def test_a_runnable_block_runs(doc: Path, language: str, body: str, tmp_path: Path) -> None:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path, "REPO": str(ROOT)}
    if language == "python":
        command = [sys.executable, "-c", body]
    else:
        command = ["bash", "-euo", "pipefail", "-c", body]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{doc.name}:\n{body}\n{done.stdout}\n{done.stderr}"


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.MULTILINE))


def test_every_make_target_named_in_the_docs_exists() -> None:
    named = {
        target
        for doc in DOCS
        for target in re.findall(r"\bmake ([a-z][a-z-]+)", doc.read_text(encoding="utf-8"))
    }
    assert named, "the docs name make targets"
    assert named - make_targets() == set()


def test_every_command_line_option_in_the_docs_exists() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tradovate_liquidate", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    known = set(re.findall(r"--[a-z][a-z-]+", done.stdout))
    shown = set()
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            if "tradovate-liquidate" in line or line.lstrip().startswith("--"):
                shown |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", line))
    assert shown - known - {"--yes"} <= set(), sorted(shown - known)


def test_every_relative_link_points_to_a_file() -> None:
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name}: {target}"

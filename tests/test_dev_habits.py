"""The pre-commit hooks run what `make test` runs, and every file keeps the .editorconfig layout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def makefile_recipe(target: str) -> str:
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return "\n".join(recipe)


def test_each_pre_commit_hook_runs_a_command_of_make_test() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    make_test = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest: lint typecheck check-generated pytest " in make_test
    expected = {
        "ruff": "lint",
        "ruff-format": "lint",
        "mypy": "typecheck",
        "check-generated": "check-generated",
    }
    assert set(hooks) == set(expected)
    for hook, target in expected.items():
        command = hooks[hook].replace(".venv/bin/", "$(BIN)/")
        assert command in makefile_recipe(target), (
            f"{hook}: {hooks[hook]!r} is not in make {target}"
        )


def tracked_files() -> list[Path]:
    done = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist): no file list to check")
    return [ROOT / name for name in done.stdout.split("\0") if name and (ROOT / name).is_file()]


def test_every_tracked_file_has_the_editorconfig_layout() -> None:
    problems = []
    for path in tracked_files():
        data = path.read_bytes()
        name = path.relative_to(ROOT).as_posix()
        text = data.decode("utf-8")  # charset = utf-8
        if data and not data.endswith(b"\n"):
            problems.append(f"{name}: no final newline")
        if b"\r" in data:
            problems.append(f"{name}: CR line endings")
        if any(line != line.rstrip(" \t") for line in text.splitlines()):
            problems.append(f"{name}: trailing whitespace")
        if name != "Makefile" and any(line.startswith("\t") for line in text.splitlines()):
            problems.append(f"{name}: a tab indents a line")
    assert problems == []
    assert (ROOT / ".editorconfig").is_file()

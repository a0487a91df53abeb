"""Hand-written code stays readable in one sitting: modules of at most 400 lines, functions
of at most 60. generated/ is exempt: the generator decides its shape."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAND_WRITTEN = ("wrapper", "tools", "tests")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(path for folder in HAND_WRITTEN for path in (ROOT / folder).rglob("*.py"))


def too_long(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    found = []
    if (lines := len(text.splitlines())) > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_no_hand_written_module_or_function_is_too_long() -> None:
    found = [problem for path in modules() for problem in too_long(path)]
    assert found == []


def test_the_check_sees_every_hand_written_folder_and_skips_generated() -> None:
    names = {path.relative_to(ROOT).parts[0] for path in modules()}
    assert names == set(HAND_WRITTEN)
    assert (ROOT / "wrapper" / "tradovate_liquidate" / "_cli.py") in modules()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1\n" * 401, ["m.py: 401 lines (at most 400)"]),
        ("x = 1\n" * 400, []),
        ("def f():\n" + "    x = 1\n" * 60, ["m.py:1 f(): 61 lines"]),
        ("class C:\n    async def g(self):\n" + "        x = 1\n" * 59, []),
        ("class C:\n    async def g(self):\n" + "        x = 1\n" * 60, ["m.py:2 g(): 61 lines"]),
    ],
)
def test_the_limits_are_counted_as_stated(tmp_path: Path, source: str, expected: list[str]) -> None:
    (tmp_path / "m.py").write_text(source)
    assert too_long(tmp_path / "m.py", root=tmp_path) == expected

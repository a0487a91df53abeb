"""Vendoring and the wheel: each works alone with only httpx and attrs, and answers alike."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).with_name("scenarios.py")
pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding httpx and attrs and nothing else of ours."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "httpx>=0.27,<0.29",
        "attrs>=23.1",
    )
    return python


@pytest.fixture(scope="module")
def source_answers() -> dict[str, Any]:
    return json.loads(run(sys.executable, SCENARIOS, "").stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT)
    (built,) = out.glob("*.whl")
    return built


def installed_packages(python: Path) -> set[str]:
    code = "import importlib.metadata as m; print(*(d.metadata['Name'] for d in m.distributions()))"
    done = run(python, "-c", code)
    return {name.lower() for name in done.stdout.split()}


def test_the_source_tree_answers_as_expected(source_answers: dict[str, Any]) -> None:
    assert source_answers["answers"] == [
        ["result", 1, 1_000_001],
        ["LiquidationRejected", 2, "TradingLocked", None],
        # An unknown reason carrying an order, and a lost answer, are settled by reading
        # the fake's records: both closing orders are found.
        ["result", 3, 1_000_002],
        ["result", 4, 1_000_003],
        ["AuthenticationError", 401],
    ]
    assert source_answers["testing_imported_by_package"] is False


def test_vendored_copy_works_as_a_subpackage_with_only_httpx_and_attrs(
    bare_python: Path, source_answers: dict[str, Any], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    vendor_dir = project / "theirapp" / "_vendor"
    vendor_dir.mkdir(parents=True)
    (project / "theirapp" / "__init__.py").write_text("")
    (vendor_dir / "__init__.py").write_text("")
    run("make", "-s", "vendor", f"DEST={vendor_dir}", cwd=ROOT)

    record = json.loads((vendor_dir / "tradovate_liquidate.vendored.json").read_text())
    assert record["version"] == "0.1.0"
    assert len(record["spec_sha256"]) == 64
    assert (
        record["source_commit"].split("-")[0]
        == run("git", "rev-parse", "HEAD", cwd=ROOT).stdout.strip()
    )
    assert not list(vendor_dir.rglob("__pycache__"))

    assert installed_packages(bare_python) >= {"httpx", "attrs"}
    assert not installed_packages(bare_python) & {"tradovate-liquidate", "tradovate_liquidate"}
    their_script = project / "scenarios.py"  # their own code, at their project's root
    their_script.write_text(SCENARIOS.read_text())
    vendored = json.loads(run(bare_python, their_script, "theirapp._vendor.", cwd=project).stdout)
    assert vendored["answers"] == source_answers["answers"]
    assert vendored["testing_imported_by_package"] is False
    assert vendored["top_level"] == [], "a vendored copy must not import top-level packages of ours"


def test_the_vendored_fake_serves_from_its_command_line(bare_python: Path, tmp_path: Path) -> None:
    vendor_dir = tmp_path / "app" / "vendor"
    vendor_dir.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (vendor_dir / "__init__.py").write_text("")
    run("make", "-s", "vendor", f"DEST={vendor_dir}", cwd=ROOT)
    done = run(bare_python, "-m", "app.vendor.tradovate_liquidate.testing", "--help", cwd=tmp_path)
    assert "--open-book" in done.stdout


def test_the_wheel_holds_both_packages_typed_and_declares_only_httpx_and_attrs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(name).decode() for name in names if name.endswith("METADATA"))
    assert {
        "tradovate_api/py.typed",
        "tradovate_liquidate/py.typed",
        "tradovate_liquidate/testing/_fake.py",
    } <= names
    runtime = [
        line
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert sorted(line.split()[1].split(">")[0].split("<")[0] for line in runtime) == [
        "attrs",
        "httpx",
    ]
    assert "Description-Content-Type: text/markdown" in metadata
    assert "## Safety rules" in metadata, "the README is the long description"


def test_the_wheel_installed_alone_answers_like_the_source_and_its_types_reach_users(
    bare_python: Path, wheel: Path, source_answers: dict[str, Any], tmp_path: Path
) -> None:
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        bare_python,
        "install",
        "--quiet",
        "--no-deps",
        wheel,
    )
    installed = json.loads(run(bare_python, SCENARIOS, "", cwd=tmp_path).stdout)
    assert installed["answers"] == source_answers["answers"]

    consumer = tmp_path / "consumer.py"
    consumer.write_text(
        "from tradovate_liquidate import LiquidationClient\n"
        "def flatten(token: str) -> int | None:\n"
        "    with LiquidationClient(token) as client:\n"
        "        result = client.liquidate_position(1, 2)\n"
        "    reveal_type(result.order_id)\n"
        "    return result.order_id\n"
        "def wrong(client: LiquidationClient) -> None:\n"
        '    client.liquidate_position("1", 2)\n'
    )
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--python-executable", str(bare_python), str(consumer)]
    mypy = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert 'Revealed type is "int | None"' in mypy.stdout, mypy.stdout
    assert (
        'Argument 1 to "liquidate_position" of "LiquidationClient" has incompatible type "str"'
        in mypy.stdout
    )
    assert "Found 1 error in 1 file" in mypy.stdout, mypy.stdout

"""Vendoring and the wheel: each works alone with only httpx and attrs, and answers alike."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate import __version__

from .conftest import ROOT, run

SCENARIOS = Path(__file__).with_name("scenarios.py")
pytestmark = pytest.mark.slow


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
    assert record["version"] == __version__
    assert len(record["spec_sha256"]) == 64
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    from_git = head.stdout.strip() if head.returncode == 0 else "unknown"  # an unpacked sdist
    assert record["source_commit"].split("-")[0] == from_git
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


def test_vendor_makes_the_destination_a_package_and_prints_the_import_line(
    bare_python: Path, tmp_path: Path
) -> None:
    (tmp_path / "theirapp").mkdir()
    (tmp_path / "theirapp" / "__init__.py").write_text("")
    vendor_dir = tmp_path / "theirapp" / "_vendor"  # not there yet: make vendor creates it
    done = run("make", "-s", "vendor", f"DEST={vendor_dir}", cwd=ROOT)
    assert (vendor_dir / "__init__.py").is_file()
    import_line = "from theirapp._vendor.tradovate_liquidate import LiquidationClient"
    assert f"with {tmp_path} on sys.path:\n    {import_line}\n" in done.stdout
    used = run(
        bare_python, "-c", f"{import_line}; print(LiquidationClient.__module__)", cwd=tmp_path
    )
    assert used.stdout == "theirapp._vendor.tradovate_liquidate._client\n"


def test_the_wheel_holds_both_packages_typed_and_declares_only_httpx_and_attrs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(name).decode() for name in names if name.endswith("METADATA"))
        entry_points = next(
            archive.read(name).decode() for name in names if name.endswith("entry_points.txt")
        )
    assert {
        "tradovate_api/py.typed",
        "tradovate_liquidate/py.typed",
        "tradovate_liquidate/testing/_fake.py",
    } <= names
    lines = metadata.splitlines()
    runtime = [
        line for line in lines if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    # Development tools live in [dependency-groups]; the one extra is a user-facing feature.
    assert [line for line in lines if line.startswith("Provides-Extra:")] == [
        "Provides-Extra: aiohttp"
    ]
    extras = [line for line in lines if "extra ==" in line]
    assert extras == ["Requires-Dist: aiohttp>=3.9; extra == 'aiohttp'"]
    assert sorted(line.split()[1].split(">")[0].split("<")[0] for line in runtime) == [
        "attrs",
        "httpx",
    ]
    assert f"\nVersion: {__version__}\n" in metadata, "the wheel and __version__ agree"
    assert "\nLicense-Expression: MIT\n" in metadata
    assert "\nLicense-File: LICENSE\n" in metadata
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert (
        "[pytest11]\ntradovate_liquidate = tradovate_liquidate.testing._pytest_plugin\n"
        in entry_points
    )
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


def test_an_app_that_vendors_the_client_passes_mypy_strict(tmp_path: Path) -> None:
    """mypy --strict over an app and its vendored copy: no error comes from the copy."""
    vendor_dir = tmp_path / "theirapp" / "_vendor"
    vendor_dir.mkdir(parents=True)
    (tmp_path / "theirapp" / "__init__.py").write_text("")
    (vendor_dir / "__init__.py").write_text("")
    run("make", "-s", "vendor", f"DEST={vendor_dir}", cwd=ROOT)
    (tmp_path / "theirapp" / "flatten.py").write_text(
        "from theirapp._vendor.tradovate_api.models import PlaceOrderResult\n"
        "from theirapp._vendor.tradovate_liquidate import LiquidationClient\n"
        "from theirapp._vendor.tradovate_liquidate.testing import FakeTradovate\n"
        "def flatten(fake: FakeTradovate) -> int | None:\n"
        "    with LiquidationClient(fake.issue_token(), transport=fake.transport()) as client:\n"
        "        result = client.liquidate_position(1, 2)\n"
        "    PlaceOrderResult.from_dict(result.raw)\n"
        "    return result.order_id\n"
    )
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "theirapp"]
    mypy = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
    assert "Success: no issues found" in mypy.stdout

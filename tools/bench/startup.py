"""Cold import against httpx, what the import pulls in, and make generate's wall time."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import Row, at_most

ROOT = Path(__file__).resolve().parents[2]
UNUSED_BY_A_CALL = (
    "tradovate_liquidate.testing",
    "tradovate_liquidate._cli",
    "tradovate_liquidate._async_client",
    "tradovate_liquidate._session",
    "asyncio",
    "concurrent.futures",
)


def _import_microseconds(module: str) -> int:
    """Cumulative import time of `module` in a fresh interpreter, from -X importtime."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no import time for {module}")


def _compile_bytecode() -> None:
    """Compile the package as `pip install` does for a wheel.

    httpx in site-packages has its bytecode from its install; this repository's code is
    installed editable, and with PYTHONDONTWRITEBYTECODE (set on some machines, this one
    included) every import recompiled it from source: 1.20-1.24 of httpx measured that
    way, 1.02 with bytecode, which is what a user who installs the package gets.
    """
    for folder in ("wrapper/tradovate_liquidate", "generated/tradovate_api"):
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def cold_import(runs: int = 21) -> list[Row]:
    _compile_bytecode()
    ours: list[int] = []
    theirs: list[int] = []
    for _ in range(runs):  # interleaved, so drift in the machine's speed hits both alike
        theirs.append(_import_microseconds("httpx"))
        ours.append(_import_microseconds("tradovate_liquidate"))
    ratio = statistics.median(o / t for o, t in zip(ours, theirs, strict=True))
    code = "import sys, tradovate_liquidate; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    pulled = sorted(name for name in UNUSED_BY_A_CALL if name in loaded)
    return [
        Row("import httpx", statistics.median(theirs) / 1000, "ms"),
        Row("import tradovate_liquidate", statistics.median(ours) / 1000, "ms"),
        at_most("cold import: tradovate_liquidate / httpx", ratio, 1.15),
        Row(
            "modules a plain call does not need, imported: " + (", ".join(pulled) or "none"),
            len(pulled),
            "modules",
            "= 0",
            not pulled,
        ),
    ]


def generate_time(runs: int = 3) -> list[Row]:
    """make generate's work (tools/generate.py) on a copy of the project: nothing here changes."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            for part in ("spec", "tools", "generated"):
                shutil.copytree(ROOT / part, Path(folder) / part)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, str(Path(folder) / "tools" / "generate.py")],
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return [Row("make generate (tools/generate.py)", statistics.median(times), "s")]

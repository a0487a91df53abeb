"""Write wrapper/tradovate_liquidate/_client.py from _async_client.py, or check it is current.

    python tools/unasync.py           # rewrite _client.py (part of make generate)
    python tools/unasync.py --check   # compare only; exit 1 when _client.py differs

The sync client is the async one with its awaits taken out, as httpcore generates its
sync code with its own unasync script: the rules are written once, the two clients
cannot drift, and the differences live in _async_support.py / _sync_support.py.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wrapper" / "tradovate_liquidate"
SOURCE = PACKAGE / "_async_client.py"
TARGET = PACKAGE / "_client.py"
HEADER = "# generated from _async_client.py by tools/unasync.py (make generate); do not edit\n"

# Whole words (or exact phrases) and what they become in the sync client.
SUBSTITUTIONS = [
    ("AsyncLiquidationClient", "LiquidationClient"),
    ("AsyncPooledTransport", "PooledTransport"),
    ("_async_pool", "_pool"),
    ("_async_support", "_sync_support"),
    ("httpx.AsyncClient", "httpx.Client"),
    ("httpx.AsyncBaseTransport", "httpx.BaseTransport"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aclose", "close"),
    ("aiter_raw", "iter_raw"),
    ("async def", "def"),
    ("async with", "with"),
    ("async for", "for"),
    ("await ", ""),
    ("AsyncLiquidationClient: the asyncio driver", "LiquidationClient: the synchronous driver"),
]
DOCSTRING = '''"""LiquidationClient: the synchronous driver of the protocol in _policy.py.

Generated from _async_client.py by tools/unasync.py: edit that file, then run
`make generate`.
"""
'''


def unasync(text: str) -> str:
    for old, new in SUBSTITUTIONS:
        end = r"(?!\w)" if old[-1].isalnum() or old[-1] == "_" else ""
        text = re.sub(rf"(?<!\w){re.escape(old)}{end}", new, text)
    # The module docstring speaks of the source file, so it is replaced whole.
    body = text.split('"""', 2)[2].lstrip("\n")
    return HEADER + DOCSTRING + "\n" + body


def formatted(source: str) -> str:
    """`source` with sorted imports, as `ruff format` leaves it (lines shrink when awaits go)."""
    ruff = Path(sys.executable).parent / "ruff"
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "_client.py"
        path.write_text(source, encoding="utf-8")
        config = ["--config", str(ROOT / "pyproject.toml")]
        # Import sorting first: module names change (_async_pool -> _pool).
        subprocess.run(
            [str(ruff), "check", "--quiet", "--fix-only", "--select", "I", *config, str(path)],
            check=True,
        )
        subprocess.run([str(ruff), "format", "--quiet", *config, str(path)], check=True)
        return path.read_text(encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, change nothing")
    args = parser.parse_args()
    expected = formatted(unasync(SOURCE.read_text(encoding="utf-8")))
    if args.check:
        if TARGET.read_text(encoding="utf-8") != expected:
            print(
                f"{TARGET.relative_to(ROOT)} does not match {SOURCE.name}: "
                "run `make generate` and commit the result.",
                file=sys.stderr,
            )
            return 1
        print(f"{TARGET.name} matches {SOURCE.name}")
        return 0
    TARGET.write_text(expected, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)} rewritten from {SOURCE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

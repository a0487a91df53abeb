"""make vendor DEST=dir: copy tradovate_liquidate and tradovate_api into a project's package.

    make vendor DEST=theirapp/_vendor

writes theirapp/_vendor/tradovate_liquidate/, theirapp/_vendor/tradovate_api/ and
theirapp/_vendor/tradovate_liquidate.vendored.json (version, spec sha256, source commit),
plus theirapp/_vendor/__init__.py when missing, and prints the import line to use: here
`from theirapp._vendor.tradovate_liquidate import LiquidationClient`.
The copy is imported as theirapp._vendor.tradovate_liquidate; it needs only httpx and
attrs. An earlier copy is replaced.

The wrapper imports the generated package by its top-level name (`from tradovate_api.models
import ...`), so type checkers follow it. Like pip's `vendoring` tool, the copy rewrites
those imports; here they become relative (`from ..tradovate_api.models import ...`), so the
copy works under any parent package and never imports a top-level `tradovate_api`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"tradovate_liquidate": ROOT / "wrapper", "tradovate_api": ROOT / "generated"}
RECORD = "tradovate_liquidate.vendored.json"


def source_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "wrapper", "generated", "spec")
    return commit + ("-dirty" if dirty else "")


def version() -> str:
    source = PACKAGES["tradovate_liquidate"] / "tradovate_liquidate" / "_version.py"
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__ = "):
            return line.split('"')[1]
    raise SystemExit("_version.py has no __version__")


GENERATED_IMPORT = re.compile(r"^(\s*)from tradovate_api(?=[.\s])", re.MULTILINE)


def rewrite_imports(package: Path) -> None:
    """Make every import of tradovate_api in `package` relative to the vendored copy."""
    for module in sorted(package.rglob("*.py")):
        depth = len(module.relative_to(package).parts)  # 1 for a module in the package itself
        text = module.read_text(encoding="utf-8")
        relative = "." * (depth + 1) + "tradovate_api"
        text = GENERATED_IMPORT.sub(rf"\1from {relative}", text)
        if re.search(r"^\s*import tradovate_api", text, re.MULTILINE):
            raise SystemExit(f"{module}: `import tradovate_api` cannot be vendored; use `from`")
        module.write_text(text, encoding="utf-8")


def vendor(dest: Path) -> dict[str, str]:
    dest.mkdir(parents=True, exist_ok=True)
    for package, source_root in PACKAGES.items():
        target = dest / package
        shutil.rmtree(target, ignore_errors=True)
        skip = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(source_root / package, target, ignore=skip)
    rewrite_imports(dest / "tradovate_liquidate")
    record = {
        "distribution": "tradovate-liquidate",
        "version": version(),
        "spec_sha256": hashlib.sha256((ROOT / "spec" / "openapi.yaml").read_bytes()).hexdigest(),
        "source_commit": source_commit(),
        "packages": sorted(PACKAGES),
    }
    (dest / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1]:
        print("usage: make vendor DEST=path/to/their_package/_vendor", file=sys.stderr)
        return 2
    dest = Path(sys.argv[1])
    record = vendor(dest)
    (dest / "__init__.py").touch()  # a package, not a namespace package: imports stay plain
    commit = record["source_commit"][:12]
    print(f"vendored tradovate-liquidate {record['version']} ({commit}) into {dest}")
    package, root = import_path(dest)
    print(f"import it as, with {root} on sys.path:")
    print(f"    from {package}.tradovate_liquidate import LiquidationClient")
    return 0


def import_path(dest: Path) -> tuple[str, Path]:
    """DEST's dotted name, climbing while the parent is a package, and the folder above."""
    folder = dest.resolve()
    names = [folder.name]
    while (folder.parent / "__init__.py").exists():
        folder = folder.parent
        names.insert(0, folder.name)
    return ".".join(names), folder.parent


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate generated/tradovate_api from spec/openapi.yaml, or check that it is current.

    python tools/generate.py           # rewrite generated/ (make generate)
    python tools/generate.py --check   # compare only; exit 1 naming drifted files

Both modes generate into a temporary folder first, so they run the generator the same
way and the comparison can only differ when the spec, the config or the pinned tools do.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
CONFIG = ROOT / "spec" / "generator.yaml"
# Templates that override the generator's own by file name (see their comments).
TEMPLATES = ROOT / "spec" / "templates"
GENERATED = ROOT / "generated"
PACKAGE = "tradovate_api"
STAMP = "stamp.json"
SPEC_JSON = "openapi.json"
HEADER = "# generated from spec/openapi.yaml by `make generate`; do not edit\n"


def spec_sha256() -> str:
    return hashlib.sha256(SPEC.read_bytes()).hexdigest()


def stamp() -> str:
    record = {
        "spec": "spec/openapi.yaml",
        "spec_sha256": spec_sha256(),
        "openapi-python-client": metadata.version("openapi-python-client"),
        "ruff": metadata.version("ruff"),
    }
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def generate_into(folder: Path) -> None:
    """Write the package and its stamp into `folder` (which must be empty)."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"), "generate",
        "--path", str(SPEC), "--config", str(CONFIG), "--meta", "none",
        "--output-path", str(folder / PACKAGE), "--fail-on-warning",
        "--custom-template-path", str(TEMPLATES),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"openapi-python-client failed:\n{done.stdout}{done.stderr}")
    for source in sorted((folder / PACKAGE).rglob("*.py")):
        source.write_text(HEADER + source.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / PACKAGE / "py.typed").write_text("")
    # The spec itself, as JSON, for code that checks data against it at run time (the
    # fake validates every request body against it) without a YAML parser.
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    (folder / PACKAGE / SPEC_JSON).write_text(
        json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / STAMP).write_text(stamp(), encoding="utf-8")


def differences(expected: Path, actual: Path) -> list[str]:
    """Paths (relative to the folders) that are missing, extra or different in `actual`."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"{prefix}{name} (missing)" for name in cmp.left_only)
        found.extend(f"{prefix}{name} (not generated from the spec)" for name in cmp.right_only)
        found.extend(f"{prefix}{name} (differs)" for name in cmp.diff_files)
        found.extend(f"{prefix}{name} (unreadable)" for name in cmp.funny_files)
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    ignore = ["__pycache__"]
    # dircmp compares shallowly by stat first; force content comparison.
    filecmp.clear_cache()
    walk(filecmp.dircmp(expected, actual, ignore=ignore), "")
    return sorted(set(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, change nothing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tradovate-gen-") as temp:
        fresh = Path(temp) / "generated"
        fresh.mkdir()
        generate_into(fresh)
        if args.check:
            drift = differences(fresh, GENERATED) if GENERATED.is_dir() else ["generated/"]
            if drift:
                listing = "\n".join(f"  generated/{path}" for path in drift)
                print(
                    "generated/ does not match spec/openapi.yaml:\n"
                    f"{listing}\nRun `make generate` and commit the result.",
                    file=sys.stderr,
                )
                return 1
            print("generated/ matches spec/openapi.yaml")
            return 0
        shutil.rmtree(GENERATED, ignore_errors=True)
        shutil.copytree(fresh, GENERATED)
    print(f"generated/ rewritten from spec/openapi.yaml (sha256 {spec_sha256()[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

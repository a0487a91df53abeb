"""make bench: every figure side by side in one run; a table, and reports/bench.json.

Exit code 0 whether or not targets are met: the table says which are, and why is for a
person to read (see the README's performance section).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

from . import accounts, bulk, percall, startup, verify
from .common import Row

REPORT = Path(__file__).resolve().parents[2] / "reports" / "bench.json"
SUITES = [
    ("per-call, in-process", percall.in_process),
    ("per-call, loopback", percall.loopback),
    ("keep-alive", percall.connections_for_sequential_calls),
    ("bulk", bulk.batches),
    ("load", bulk.load),
    ("cold import", startup.cold_import),
    ("generation", startup.generate_time),
    ("verification", verify.lost_answer_cost),
    ("accounts", accounts.budget),
]


def main() -> int:
    only = set(sys.argv[1:])
    rows: list[Row] = []
    for title, suite in SUITES:
        if only and not any(word in title for word in only):
            continue
        print(f"... {title}", file=sys.stderr, flush=True)
        rows.extend(suite())
    width = max(len(row.name) for row in rows)
    print(f"{'figure'.ljust(width)}  {'value':>12}  {'unit':<12} {'target':<8} met")
    for row in rows:
        met = "" if row.ok is None else ("yes" if row.ok else "NO")
        print(f"{row.name.ljust(width)}  {row.value:>12,.3f}  {row.unit:<12} {row.target:<8} {met}")
    REPORT.parent.mkdir(exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    REPORT.write_text(
        json.dumps({"machine": machine, "figures": [row.as_dict() for row in rows]}, indent=2)
        + "\n"
    )
    print(f"written: {REPORT.relative_to(REPORT.parents[1])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""make demo: the main job, end to end, against the fake Tradovate on loopback.

Starts the fake with a small book of accounts, liquidates one position with the
tradovate-liquidate command, then a CSV batch, shows what the fake saw, and stops it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

BATCH = """account_id,contract_id,custom_tag
100002,3570920,desk-a
100003,3570918,desk-a
100003,3570920,desk-a
100004,3570918,desk-b
100006,3571002,desk-b
"""


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run_cli(arguments: list[str], env: dict[str, str]) -> int:
    command = [sys.executable, "-m", "tradovate_liquidate", *arguments]
    print("$ tradovate-liquidate " + " ".join(arguments), flush=True)
    code = subprocess.run(command, env=env, check=False).returncode
    print(f"(exit code {code})", flush=True)
    return code


def main() -> int:
    token = secrets.token_urlsafe(16)
    fake = subprocess.Popen(
        [sys.executable, "-m", "tradovate_liquidate.testing", f"--token={token}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        base_url = fake.stdout.readline().strip()
        say(f"a fake Tradovate is serving {base_url}")
        with tempfile.TemporaryDirectory() as folder:
            # The demo's pending targets belong to its fake, not in the user's state file.
            env = {
                **os.environ,
                "TRADOVATE_ACCESS_TOKEN": token,
                "TRADOVATE_LIQUIDATE_STATE": str(Path(folder) / "pending.json"),
            }
            say("one position: account 100001 is long 3 of contract 3570918, two working orders")
            single = run_cli(["100001", "3570918", "--base-url", base_url], env)
            csv = Path(folder) / "positions.csv"
            csv.write_text(BATCH, encoding="utf-8")
            say("a batch from a CSV (one account is locked, one contract's session is closed):")
            print(BATCH.rstrip(), flush=True)
            batch = run_cli(["--from-csv", str(csv), "--base-url", base_url], env)
    finally:
        fake.terminate()
        _, log = fake.communicate(timeout=10)
    say("the fake stopped; " + log.strip().splitlines()[-1])
    expected = (0, 1)  # all liquidated; some rejected, as the book intends
    return 0 if (single, batch) == expected else 1


if __name__ == "__main__":
    sys.exit(main())

"""make demo: the main job, end to end, as a user would run it, against the fake Tradovate.

Starts the fake on loopback with account 100001 holding three positions (one already
flat) and arms one fault: the answer to the first liquidation is lost after the order was
placed. Then: a dry run of the account (reads only), the real flatten (the lost answer is
settled from the server's records and shown as verified; nothing is sent twice), and what
the fake saw. Exits 0 when every step ended as intended.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ACCOUNT = "100001"
POSITIONS = f"{ACCOUNT}:3570918:2,{ACCOUNT}:3570920:-1,{ACCOUNT}:3571002:0"
SYMBOLS = "3570918:ESZ6,3570920:NQZ6,3571002:CLF7"


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run_cli(arguments: list[str], env: dict[str, str]) -> tuple[int, str]:
    command = [sys.executable, "-m", "tradovate_liquidate", *arguments]
    print("$ tradovate-liquidate " + " ".join(arguments), flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(done.stdout + done.stderr, end="", flush=True)
    print(f"(exit code {done.returncode})", flush=True)
    return done.returncode, done.stdout


def start_fake(token: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradovate_liquidate.testing",
            f"--token={token}",
            f"--positions={POSITIONS}",
            f"--symbols={SYMBOLS}",
            "--fault-once=drop_connection",  # the first liquidation's answer is lost
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def main() -> int:
    token = secrets.token_urlsafe(16)
    fake = start_fake(token)
    try:
        assert fake.stdout is not None
        base_url = fake.stdout.readline().strip()
        say(f"a fake Tradovate is serving {base_url}")
        print(f"account {ACCOUNT}: long 2 ESZ6, short 1 NQZ6, flat CLF7", flush=True)
        print("armed: the answer to the first liquidation is lost (the order is placed)")
        with tempfile.TemporaryDirectory() as folder:
            # The demo's pending targets belong to its fake, not in the user's state file.
            env = {
                **os.environ,
                "TRADOVATE_ACCESS_TOKEN": token,
                "TRADOVATE_LIQUIDATE_STATE": str(Path(folder) / "pending.json"),
            }
            say("a dry run: what would be liquidated (reads only, nothing is sent)")
            dry, _ = run_cli(["--account", ACCOUNT, "--dry-run", "--base-url", base_url], env)
            say("flatten the account (waits until it reads flat)")
            real, table = run_cli(["--account", ACCOUNT, "--base-url", base_url], env)
    finally:
        fake.terminate()
        _, log = fake.communicate(timeout=10)
    say("the fake stopped; " + log.strip().splitlines()[-1])
    recovered = "liquidated (verified)" in table
    if recovered:
        print("the lost answer was settled from the server's records: one order, not two")
    return 0 if (dry, real, recovered) == (0, 0, True) else 1


if __name__ == "__main__":
    sys.exit(main())

"""make contract: the schemathesis CLI against BASE_URL, with JUnit and HAR reports in reports/.

Without BASE_URL it starts the fake on loopback and stops it afterwards. Any other host
receives real liquidation requests, so the script asks a person to confirm first and
refuses when nobody is at a terminal.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
REPORTS = Path(os.environ.get("REPORT_DIR") or ROOT / "reports")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def confirm_real_server(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    if host in LOOPBACK or host.startswith("127."):
        return True
    if not sys.stdin.isatty():
        print(
            f"make contract: refusing to send liquidations to {host} without a person to confirm."
        )
        return False
    print(
        f"This sends real liquidation requests to {host}: every account and contract the token\n"
        "can reach may have its orders cancelled and its positions closed."
    )
    return input(f"Type the host name ({host}) to go on: ").strip() == host


def run_schemathesis(base_url: str, env: dict[str, str]) -> int:
    REPORTS.mkdir(exist_ok=True)
    schemathesis = Path(sys.executable).parent / "schemathesis"
    command = [
        str(schemathesis), "run", str(ROOT / "spec" / "openapi.yaml"),
        "--url", base_url, "--report", "junit,har", "--report-dir", str(REPORTS),
        "--phases", "examples,coverage,fuzzing,stateful",
    ]  # fmt: skip
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


def main() -> int:
    base_url = os.environ.get("BASE_URL", "").strip()
    if base_url:
        if not os.environ.get("TRADOVATE_ACCESS_TOKEN"):
            print("make contract: set TRADOVATE_ACCESS_TOKEN for", base_url)
            return 2
        return run_schemathesis(base_url, dict(os.environ)) if confirm_real_server(base_url) else 1
    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryFile("w+") as fake_log:
        fake = subprocess.Popen(
            # --token=... in one word: a token starting with "-" would read as an option.
            [
                sys.executable,
                "-m",
                "tradovate_liquidate.testing",
                "--open-book",
                f"--token={token}",
            ],
            stdout=subprocess.PIPE,
            stderr=fake_log,
            text=True,
        )
        try:
            assert fake.stdout is not None
            base_url = fake.stdout.readline().strip()
            if not base_url.startswith("http://"):
                fake.kill()
                fake.wait(timeout=10)
                fake_log.seek(0)
                print(f"make contract: the fake did not start (exit {fake.returncode}):")
                print(fake_log.read())
                return 1
            print(f"make contract: against the fake at {base_url}")
            return run_schemathesis(base_url, {**os.environ, "TRADOVATE_ACCESS_TOKEN": token})
        finally:
            fake.terminate()
            fake.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())

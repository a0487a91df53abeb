"""--audit-log: the command killed or interrupted mid-batch leaves a file that names every
liquidation that reached the server, and what is known of each."""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate._cli_audit import audit_log
from tradovate_liquidate._cli_output import EXIT_OK, EXIT_USAGE
from tradovate_liquidate.testing import FakeServer, FakeTradovate

ACCOUNTS = range(200_001, 200_031)  # 30 positions: with latency, a batch of seconds
CONTRACT = 3_570_918
LIQUIDATE = "/order/liquidateposition"


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate(latency=0.15)
    for account in ACCOUNTS:
        fake.add_position(account_id=account, contract_id=CONTRACT, net_pos=1)
    return fake


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def start(fake: FakeTradovate, server: FakeServer, tmp_path: Path, *extra: str) -> Any:
    positions = tmp_path / "positions.csv"
    rows = [f"{account},{CONTRACT}" for account in ACCOUNTS]
    positions.write_text("account_id,contract_id\n" + "\n".join(rows) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADOVATE_")}
    env["TRADOVATE_ACCESS_TOKEN"] = fake.issue_token()
    command = [sys.executable, "-m", "tradovate_liquidate", "--from-csv", str(positions)]
    command += ["--base-url", server.base_url, "--concurrency", "2", "--json", *extra]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def posts(fake: FakeTradovate) -> list[dict[str, Any]]:
    return [r.json() for r in list(fake.requests) if r.path.endswith(LIQUIDATE)]


def wait_for_posts(fake: FakeTradovate, count: int) -> None:
    """Until `count` liquidations reached the fake (bounded: the test fails, never hangs)."""
    give_up = time.monotonic() + 60
    while len(posts(fake)) < count:
        assert time.monotonic() < give_up, "the command sent too few liquidations"
        time.sleep(0.02)


def read_back(log: Path) -> list[dict[str, Any]]:
    lines = log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]  # every line whole and valid JSON


def assert_says_what_was_sent(fake: FakeTradovate, records: list[dict[str, Any]]) -> None:
    received = Counter((post["accountId"], post["contractId"]) for post in posts(fake))
    requests = [r for r in records if r["kind"] == "request" and r["path"].endswith(LIQUIDATE)]
    recorded = Counter((r["body"]["accountId"], r["body"]["contractId"]) for r in requests)
    assert sum(received.values()) >= 4
    assert received <= recorded  # every POST that reached the fake was on disk first
    ids = {r["request_id"] for r in records if r["kind"] == "request"}
    assert all(r["request_id"] in ids for r in records if r["kind"] in ("answer", "error"))
    placed = {event.account_id: event.order_id for event in fake.placed}
    verdicts = [r for r in records if r["kind"] == "verdict"]
    assert verdicts  # the first calls had ended: their outcomes are on disk
    for verdict in verdicts:
        assert verdict["order_id"] == placed[verdict["account_id"]]


def test_killed_mid_batch_the_log_names_every_liquidation_sent(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    log = tmp_path / "audit.jsonl"
    command = start(fake, server, tmp_path, "--audit-log", str(log))
    wait_for_posts(fake, 4)
    command.send_signal(signal.SIGKILL)
    command.communicate(timeout=60)
    server.stop()  # whatever was on the wire has now been received
    records = read_back(log)
    assert records[0]["kind"] == "start"
    assert_says_what_was_sent(fake, records)
    assert len(posts(fake)) < len(ACCOUNTS)  # it was killed mid-batch


def test_ctrl_c_mid_batch_exits_cleanly_with_a_readable_log(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    log = tmp_path / "audit.jsonl"
    command = start(fake, server, tmp_path, "--audit-log", str(log))
    wait_for_posts(fake, 4)
    command.send_signal(signal.SIGINT)
    _, stderr = command.communicate(timeout=60)
    server.stop()
    assert command.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert str(log) in stderr
    records = read_back(log)
    assert "interrupted" in [r["kind"] for r in records]
    assert_says_what_was_sent(fake, records)


def test_the_log_is_appended_private_and_checked_before_anything_is_sent(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    fake.latency = 0
    missing = tmp_path / "no-such-dir" / "audit.jsonl"
    refused = start(fake, server, tmp_path, "--audit-log", str(missing))
    _, stderr = refused.communicate(timeout=60)
    assert refused.returncode == EXIT_USAGE
    assert "--audit-log" in stderr
    assert not fake.requests  # nothing was sent
    log = tmp_path / "audit.jsonl"
    for _ in range(2):
        ran = start(fake, server, tmp_path, "--audit-log", str(log))
        ran.communicate(timeout=60)
        assert ran.returncode == EXIT_OK
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    records = read_back(log)
    assert [r["kind"] for r in records].count("start") == 2  # the first run's lines kept
    verdicts = [r for r in records if r["kind"] == "verdict"]
    assert len(verdicts) == 2 * len(ACCOUNTS)


def test_the_start_line_never_holds_a_password_given_in_the_base_url(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    url = "https://alice:s3cret-canary@proxy.example/v1"
    args = argparse.Namespace(audit_log=path, base_url=url, env="demo")
    with audit_log(args, {}):
        pass
    text = path.read_text()
    assert "s3cret-canary" not in text
    assert "alice" not in text
    assert json.loads(text.splitlines()[0])["base_url"] == "https://proxy.example/v1"

"""The tradovate-liquidate command, driven as a user would: a subprocess against the fake."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradovate_liquidate._cli_output import (
    EXIT_AUTH_OR_RATE,
    EXIT_NOT_FLAT,
    EXIT_NOT_LIQUIDATED,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_USAGE,
)
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault

TOKEN = "cli-canary-token-0123456789"


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.accept_token(TOKEN)
    fake.add_position(account_id=100001, contract_id=3570918, net_pos=3)
    fake.add_working_order(account_id=100001, contract_id=3570918)
    fake.add_position(account_id=100002, contract_id=3570918, net_pos=-1)
    fake.add_position(account_id=100004, contract_id=3570918, net_pos=1)
    fake.set_account_status(100004, "locked")
    return fake


@pytest.fixture(autouse=True)
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every run keeps its pending targets here, never in the user's own state directory."""
    path = tmp_path / "state" / "pending.json"
    monkeypatch.setenv("TRADOVATE_LIQUIDATE_STATE", str(path))
    return path


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def cli(
    *arguments: str, token: str | None = TOKEN, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "TRADOVATE_ACCESS_TOKEN"}
    if token is not None:
        env["TRADOVATE_ACCESS_TOKEN"] = token
    if "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run(
        [sys.executable, "-m", "tradovate_liquidate", *arguments],
        env=env,
        text=True,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def test_one_position_exit_0_and_a_table(fake: FakeTradovate, server: FakeServer) -> None:
    done = cli("100001", "3570918", "--base-url", server.base_url, stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_OK, done.stderr
    order_id = fake.placed[0].order_id
    header, row = done.stdout.splitlines()[:2]
    assert header.split() == ["account", "contract", "outcome", "order", "id", "reason"]
    assert row.split() == ["100001", "3570918", "liquidated", str(order_id), "Success"]
    assert fake.placed[0].is_automated is True
    assert TOKEN not in done.stdout + done.stderr


def test_flags_reach_the_request(fake: FakeTradovate, server: FakeServer) -> None:
    done = cli(
        "100001",
        "3570918",
        "--base-url",
        server.base_url,
        "--admin",
        "--manual",
        "--tag",
        "ops-desk",
    )
    assert done.returncode == EXIT_OK
    assert fake.requests[0].json() == {
        "accountId": 100001,
        "contractId": 3570918,
        "admin": True,
        "isAutomated": False,
        "customTag50": "ops-desk",
    }


def test_csv_batch_with_a_rejection_exits_1_and_json_keeps_everything(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_text(
        "account_id,contract_id,custom_tag\n100001,3570918,a\n100004,3570918,\n100002,3570918,b\n"
    )
    done = cli("--from-csv", str(csv), "--base-url", server.base_url, "--json")
    assert done.returncode == EXIT_NOT_LIQUIDATED
    rows = json.loads(done.stdout)
    assert [(row["account_id"], row["outcome"], row["reason"]) for row in rows] == [
        (100001, "liquidated", "Success"),
        (100004, "rejected", "TradingLocked"),
        (100002, "liquidated", "Success"),
    ]
    assert (
        rows[1]["detail"]
        == "liquidation rejected: TradingLocked: Trading is locked for account 100004"
    )
    assert {row["order_id"] for row in rows if row["order_id"]} == {
        order.order_id for order in fake.placed
    }
    assert {order.custom_tag for order in fake.placed} == {"a", "b"}


def test_a_bad_token_exits_3(server: FakeServer) -> None:
    done = cli("100001", "3570918", "--base-url", server.base_url, token="expired-or-wrong")
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert "not authenticated" in done.stdout


def test_a_lockout_exits_3(fake: FakeTradovate, server: FakeServer) -> None:
    fake.lock_out()
    done = cli("100001", "3570918", "--base-url", server.base_url)
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert "rate limited" in done.stdout


def test_an_outcome_still_unknown_after_verification_exits_4_and_says_to_check(
    fake: FakeTradovate, server: FakeServer, state_file: Path
) -> None:
    fake.inject(Fault.drop_connection())
    fake.inject(Fault.read_error(), times=None)
    done = cli("100001", "3570918", "--base-url", server.base_url)
    assert done.returncode == EXIT_UNKNOWN
    assert "UNKNOWN: check positions" in done.stdout
    assert [r.method for r in fake.requests] == ["POST", "GET", "GET", "GET"]
    assert "100001" in state_file.read_text(), "kept pending for the next run"
    # The next run reads before sending: reads still fail, so nothing is sent.
    again = cli("100001", "3570918", "--base-url", server.base_url)
    assert again.returncode == EXIT_UNKNOWN
    assert [r.method for r in fake.requests].count("POST") == 1


def test_an_unreadable_state_file_exits_4_sends_nothing_and_is_kept(
    fake: FakeTradovate, server: FakeServer, state_file: Path
) -> None:
    """Any target may be in it: none is sent blind, and it is not a usage error."""
    state_file.parent.mkdir(parents=True)
    state_file.write_text("{torn")
    done = cli("100002", "3570918", "--base-url", server.base_url)
    assert done.returncode == EXIT_UNKNOWN, done.stdout + done.stderr
    assert str(state_file) in done.stdout + done.stderr
    assert fake.requests == []
    assert state_file.read_text() == "{torn"


def test_a_lost_answer_is_verified_and_exits_0(fake: FakeTradovate, server: FakeServer) -> None:
    fake.inject(Fault.drop_connection())
    done = cli("100001", "3570918", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stdout
    assert "liquidated (verified)" in done.stdout


def test_verified_not_liquidated_exits_1_and_says_safe_to_repeat(
    fake: FakeTradovate, server: FakeServer, state_file: Path
) -> None:
    fake.inject(Fault.drop_before_acting())
    arguments = ("100001", "3570918", "--base-url", server.base_url, "--settle-timeout", "0.2")
    done = cli(*arguments)
    assert done.returncode == EXIT_NOT_LIQUIDATED
    assert "safe to repeat" in done.stdout
    assert fake.placed == []
    again = cli(*arguments)
    assert again.returncode == EXIT_OK, again.stdout
    assert len(fake.placed) == 1
    # Pending now with the new closing order, until a run reads it filled (or --confirm).
    assert f'"order_id": {fake.placed[0].order_id}' in state_file.read_text()


def test_a_late_action_is_found_by_the_next_run_and_nothing_is_sent(
    fake: FakeTradovate, server: FakeServer
) -> None:
    """The late order still works when the next run comes: it is ours, nothing is sent
    (once filled, the entry would be settled and the run send as a first one)."""
    fake._book.fill_mode = "never"
    fake.inject(Fault.late_action(0.5))
    arguments = ("100001", "3570918", "--base-url", server.base_url, "--timeout", "0.2")
    done = cli(*arguments, "--settle-timeout", "0")
    assert done.returncode == EXIT_NOT_LIQUIDATED, done.stdout
    deadline = time.monotonic() + 30
    while not fake.placed and time.monotonic() < deadline:
        time.sleep(0.05)
    again = cli(*arguments)
    assert again.returncode == EXIT_OK, again.stdout
    assert [r.method for r in fake.requests].count("POST") == 1, "the late order was found"
    assert len(fake.placed) == 1


def test_confirm_adds_a_flat_column_and_exits_5_when_not_flat_in_time(
    server: FakeServer, fake: FakeTradovate
) -> None:
    done = cli("100002", "3570918", "--base-url", server.base_url, "--confirm")
    assert done.returncode == EXIT_OK, done.stdout
    assert done.stdout.splitlines()[0].split()[-1] == "flat"
    fake._book.fill_mode = "never"
    slow = cli(
        "100001", "3570918", "--base-url", server.base_url, "--confirm", "--flat-timeout", "0.3"
    )
    assert slow.returncode == EXIT_NOT_FLAT, slow.stdout
    assert "NOT FLAT" in slow.stdout


def test_help_documents_every_exit_code() -> None:
    done = cli("--help")
    text = " ".join(done.stdout.split())
    for phrase in (
        "0 all liquidated",
        "1 some not liquidated",
        "2 usage error",
        "3 authentication",
        "4 outcome still unknown",
        "5 sent but not flat",
        "state file",
    ):
        assert phrase in text, phrase


def test_the_worst_outcome_decides_the_exit_code(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_text("account_id,contract_id\n100004,3570918\n100001,3570918\n")
    fake.schedule([None, Fault.server_error()])
    fake.inject(Fault.read_error(), times=None)
    done = cli("--from-csv", str(csv), "--base-url", server.base_url, "--concurrency", "1")
    assert done.returncode == EXIT_UNKNOWN


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "give ACCOUNT_ID CONTRACT_ID, or --from-csv FILE"),
        (("0", "3570918"), "account_id: must be a positive int64"),
        (("1", "2", "--tag", "x" * 65), "custom_tag: at most 64 characters"),
        (("1", "2", "--base-url", "http://example.test/v1"), "plain http:// is refused"),
        (("1", "2", "--concurrency", "0"), "concurrency: must be 1 to 256"),
        (
            ("1", "2", "--from-csv", "missing.csv"),
            "give ACCOUNT_ID CONTRACT_ID or --from-csv, not both",
        ),
        (("--from-csv", "/nonexistent/positions.csv"), "No such file or directory"),
        (("1", "x"), "invalid int value"),
    ],
)
def test_usage_errors_exit_2_before_anything_is_sent(
    fake: FakeTradovate, server: FakeServer, arguments: tuple[str, ...], message: str
) -> None:
    done = (
        cli(*arguments, "--base-url", server.base_url)
        if "--base-url" not in arguments
        else cli(*arguments)
    )
    assert done.returncode == EXIT_USAGE
    assert message in done.stderr
    assert fake.requests == []


def test_a_malformed_csv_names_the_line(server: FakeServer, tmp_path: Path) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_text("account_id,contract_id\n100001,3570918\n100002,ES\n")
    done = cli("--from-csv", str(csv), "--base-url", server.base_url)
    assert done.returncode == EXIT_USAGE
    assert "line 3: account_id and contract_id must be whole numbers" in done.stderr
    csv.write_text("account,contract\n1,2\n")
    assert "missing column(s) account_id, contract_id" in cli("--from-csv", str(csv)).stderr


def test_the_token_comes_only_from_the_environment_or_a_file(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    done = cli("100001", "3570918", "--base-url", server.base_url, token=None)
    assert done.returncode == EXIT_USAGE
    assert "no token: set TRADOVATE_ACCESS_TOKEN, or pass --token-file FILE" in done.stderr
    assert "--token " not in cli("--help").stdout.replace("--token-file", "")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    done = cli(
        "100001",
        "3570918",
        "--base-url",
        server.base_url,
        "--token-file",
        str(token_file),
        token=None,
    )
    assert done.returncode == EXIT_OK


def test_a_progress_line_on_a_terminals_stderr(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_text("account_id,contract_id\n100001,3570918\n100002,3570918\n100004,3570918\n")
    primary, secondary = pty.openpty()
    try:
        done = cli(
            "--from-csv",
            str(csv),
            "--base-url",
            server.base_url,
            stderr=secondary,
            stdout=subprocess.PIPE,
        )
        os.close(secondary)
        progress = os.read(primary, 4096).decode()
    finally:
        os.close(primary)
    assert done.returncode == EXIT_NOT_LIQUIDATED
    assert "\r[3/3] 1 not liquidated" in progress


def test_python_dash_m_and_the_console_script_are_the_same_command() -> None:
    script = Path(sys.executable).parent / "tradovate-liquidate"
    via_script = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, check=False
    )
    assert via_script.returncode == 0
    assert via_script.stdout == cli("--help").stdout


def test_a_csv_saved_with_a_byte_order_mark_is_read(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_bytes(b"\xef\xbb\xbfaccount_id,contract_id\r\n100001,3570918\r\n")
    done = cli("--from-csv", str(csv), "--base-url", server.base_url, "--json")
    assert done.returncode == EXIT_OK, done.stderr
    assert [row["account_id"] for row in json.loads(done.stdout)] == [100001]

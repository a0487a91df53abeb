"""--dry-run in every mode: the real run's reads, a table of what would be liquidated, and
not one POST at the fake."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradovate_liquidate._cli_output import EXIT_NOT_LIQUIDATED, EXIT_OK
from tradovate_liquidate.testing import FakeServer, FakeTradovate

from .test_cli import cli
from .test_cli_accounts import CL, ES, NQ, book


@pytest.fixture
def fake() -> FakeTradovate:
    return book(FakeTradovate())


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def sent(fake: FakeTradovate) -> list[str]:
    return [f"{request.method} {request.path}" for request in fake.requests]


def test_an_accounts_dry_run_reads_what_the_real_run_reads_and_sends_nothing(
    fake: FakeTradovate, server: FakeServer
) -> None:
    stray = fake.add_working_order(account_id=100001, contract_id=CL)  # CL reads 0
    done = cli("--account", "100001", "--dry-run", "--base-url", server.base_url, "--json")
    assert done.returncode == EXIT_OK, done.stderr
    assert sent(fake) == [
        "GET /v1/account/list",
        "GET /v1/position/ldeps",
        "GET /v1/order/ldeps",
        "GET /v1/contract/items",
    ]
    rows = json.loads(done.stdout)
    seen = [(r["contract_id"], r["symbol"], r["net_before"], r["outcome"]) for r in rows]
    assert seen == [
        (ES, "ESZ6", 2, "would liquidate"),
        (NQ, "NQZ6", -1, "would liquidate"),
        (CL, "CLF7", 0, "already flat: nothing to send"),
        (None, None, None, "would cancel working order"),
    ]
    assert rows[-1]["order_id"] == stray
    assert fake.position(100001, ES) == 2
    assert fake.working_orders(100001, CL) == [stray]


def test_a_dry_run_table_ends_with_a_summary_saying_nothing_was_sent(
    fake: FakeTradovate, server: FakeServer
) -> None:
    arguments = ("--account", "100001", "--account", "100003", "--dry-run")
    done = cli(*arguments, "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    lines = done.stdout.splitlines()
    assert "no position: nothing to send" in lines[-2]
    assert lines[-1] == "dry run, nothing was sent: 2 position(s) would be liquidated"


@pytest.mark.parametrize("target", [("100001", str(ES)), ("--from-csv", "positions.csv")])
def test_a_positions_dry_run_shows_the_net_position_and_sends_nothing(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path, target: tuple[str, str]
) -> None:
    csv = tmp_path / "positions.csv"
    csv.write_text(f"account_id,contract_id\n100001,{ES}\n", encoding="utf-8")
    done = cli(*target, "--dry-run", "--base-url", server.base_url, "--json", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    assert sent(fake) == ["GET /v1/position/deps", "GET /v1/contract/items"]
    (row,) = json.loads(done.stdout)
    assert (row["account_id"], row["symbol"], row["net_before"]) == (100001, "ESZ6", 2)
    assert row["outcome"] == "would liquidate"


def test_all_accounts_dry_run_needs_no_terminal_and_sends_nothing(
    fake: FakeTradovate, server: FakeServer
) -> None:
    arguments = ("--all-accounts", "--dry-run", "--json")
    done = cli(*arguments, "--base-url", server.base_url, stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_OK, done.stderr
    assert all(line.startswith("GET ") for line in sent(fake))
    accounts = {row["account_id"] for row in json.loads(done.stdout)}
    assert accounts == {100001, 100002, 100003}


def test_a_dry_run_names_an_account_the_token_cannot_see(
    fake: FakeTradovate, server: FakeServer
) -> None:
    arguments = ("--account", "999999", "--account", "100002", "--dry-run")
    done = cli(*arguments, "--base-url", server.base_url)
    assert done.returncode == EXIT_NOT_LIQUIDATED
    assert "account 999999 is not among the accounts the token can see" in done.stdout
    assert all(line.startswith("GET ") for line in sent(fake))


def test_dry_run_is_in_the_help_as_reads_only() -> None:
    done = cli("--help")
    assert "--dry-run" in done.stdout
    assert "never asks, even on live" in " ".join(done.stdout.split())


def test_a_dry_run_whose_order_read_fails_still_shows_the_positions(fake: FakeTradovate) -> None:
    from tradovate_liquidate import LiquidationClient
    from tradovate_liquidate._cli_accounts import _dry_accounts

    from ..wrapper.transports import FailingOrderReads

    transport = FailingOrderReads(fake)
    with LiquidationClient(token=fake.issue_token(), transport=transport) as client:
        report = _dry_accounts(client, [100001], "fake")
    outcomes = [(r["contract_id"], r["outcome"]) for r in report.rows]
    assert outcomes[:2] == [(ES, "would liquidate"), (NQ, "would liquidate")]
    assert outcomes[-1][0] is None
    assert outcomes[-1][1].startswith("working orders: ")
    assert report.code == EXIT_NOT_LIQUIDATED  # the order read failed: nothing was sent
    assert not [r for r in fake.requests if r.method == "POST"]

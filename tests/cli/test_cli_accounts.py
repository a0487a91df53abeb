"""The command's whole-account modes, driven as a user would: a subprocess against the fake."""

from __future__ import annotations

import json
import os
import pty
import subprocess
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
from tradovate_liquidate._cli_report import COLUMNS
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault
from tradovate_liquidate.testing._wire import Reply

from .test_cli import TOKEN, cli

ES, NQ, CL = 3570918, 3570920, 3571002


def book(fake: FakeTradovate) -> FakeTradovate:
    fake.accept_token(TOKEN)
    for contract, symbol in ((ES, "ESZ6"), (NQ, "NQZ6"), (CL, "CLF7")):
        fake.add_contract(contract, symbol=symbol)
    fake.add_positions([(100001, ES, 2), (100001, NQ, -1), (100001, CL, 0), (100002, ES, -1)])
    fake.add_account(100003)  # no position at all
    return fake


@pytest.fixture
def fake() -> FakeTradovate:
    return book(FakeTradovate())


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def posts(fake: FakeTradovate) -> list[str]:
    return [request.path for request in fake.requests if request.method == "POST"]


def table(stdout: str) -> list[list[str]]:
    """The table's rows split on runs of two spaces (cells such as "net before" have one)."""
    lines = stdout.splitlines()
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines]


def test_an_account_is_flattened_and_the_table_names_each_contracts_symbol(
    fake: FakeTradovate, server: FakeServer
) -> None:
    done = cli("--account", "100001", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    orders = {order.contract_id: order.order_id for order in fake.placed}
    assert set(orders) == {ES, NQ}  # the flat CL position is not sent
    header, es, nq, summary = table(done.stdout)
    assert header == [header for header, _ in COLUMNS]
    assert es == ["100001", str(ES), "ESZ6", "2", str(orders[ES]), "liquidated", "True", "Success"]
    assert nq == ["100001", str(NQ), "NQZ6", "-1", str(orders[NQ]), "liquidated", "True", "Success"]
    assert summary[0].startswith("1 account(s): 1 flat")
    assert fake.position(100001, ES) == fake.position(100001, NQ) == 0


def test_symbols_are_read_once_and_only_after_the_liquidations(
    fake: FakeTradovate, server: FakeServer
) -> None:
    done = cli("--account", "100001", "--account", "100002", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    paths = [request.path for request in fake.requests]
    assert paths.count("/v1/contract/items") == 1
    last_post = max(i for i, r in enumerate(fake.requests) if r.method == "POST")
    assert paths.index("/v1/contract/items") > last_post


def test_a_failed_symbol_read_shows_bare_ids_and_does_not_fail_the_run(
    fake: FakeTradovate, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = fake.handle

    def symbols_fail(method: str, path: str, body: bytes, **kwargs: object) -> object:
        if path.endswith("/contract/items"):
            fake.inject(Fault.read_error())
        return handle(method, path, body, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fake, "handle", symbols_fail)
    done = cli("--account", "100002", "--base-url", server.base_url, "--json")
    assert done.returncode == EXIT_OK, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["symbol"] is None
    assert row["order_id"] == fake.placed[0].order_id
    assert "contract symbols not read" in done.stderr


def test_a_symbol_read_meeting_a_penalty_shows_bare_ids_without_waiting_it_out(
    fake: FakeTradovate, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Display must not delay the exit: the symbols read waits out no penalty (one request,
    not a second after 30 s), so the README's bound on a run holds."""
    handle = fake.handle
    symbol_reads = []

    def symbols_penalised(method: str, path: str, body: bytes, **kwargs: object) -> object:
        if path.endswith("/contract/items"):  # the fake's own penalties are for POSTs
            symbol_reads.append(path)
            return Reply(200, b'{"p-ticket": "t1", "p-time": 30}', "application/json")
        return handle(method, path, body, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fake, "handle", symbols_penalised)
    done = cli("--account", "100002", "--base-url", server.base_url, "--json")
    assert done.returncode == EXIT_OK, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["symbol"] is None
    assert row["order_id"] == fake.placed[0].order_id
    assert len(symbol_reads) == 1
    assert "contract symbols not read" in done.stderr


def test_json_rows_carry_the_tables_fields(fake: FakeTradovate, server: FakeServer) -> None:
    arguments = ("--account", "100001", "--account", "100003", "--json")
    done = cli(*arguments, "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    rows = json.loads(done.stdout)
    assert all(set(row) == {key for _, key in COLUMNS} | {"detail"} for row in rows)
    es, nq, empty = rows
    assert (es["symbol"], es["net_before"], es["flat"]) == ("ESZ6", 2, True)
    assert es["order_id"] == next(o.order_id for o in fake.placed if o.contract_id == ES)
    assert (nq["symbol"], nq["net_before"]) == ("NQZ6", -1)
    assert empty == {**empty, "account_id": 100003, "contract_id": None, "flat": True}


def test_a_lost_answer_is_verified_and_shown_so(fake: FakeTradovate, server: FakeServer) -> None:
    fake.inject(Fault.drop_connection())
    done = cli("--account", "100002", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert "liquidated (verified)" in done.stdout
    assert len(fake.placed) == 1  # never sent twice


def test_an_account_the_token_cannot_see_shows_in_the_table_and_exits_1(
    fake: FakeTradovate, server: FakeServer
) -> None:
    done = cli("--account", "100002", "--account", "999999", "--base-url", server.base_url)
    assert done.returncode == EXIT_NOT_LIQUIDATED
    rows = table(done.stdout)
    assert rows[2][:2] == ["999999", "rejected"]
    assert "999999: account 999999 is not among the accounts the token can see" in done.stdout
    assert fake.position(100002, ES) == 0  # the visible one is flattened all the same


def test_bulk_sends_one_request_for_every_position(fake: FakeTradovate, server: FakeServer) -> None:
    arguments = ("--account", "100001", "--account", "100002", "--method", "bulk", "--json")
    done = cli(*arguments, "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert posts(fake) == ["/v1/order/liquidatepositions"]
    rows = json.loads(done.stdout)
    assert [(row["outcome"], row["flat"]) for row in rows] == [("flattened (bulk)", True)] * 3


def test_accounts_mix_from_the_option_and_a_file(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    ids = tmp_path / "accounts.txt"
    ids.write_text("# the desk's accounts\n\n100002  # short ES\n", encoding="utf-8")
    done = cli("--account", "100001", "--accounts-file", str(ids), "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert {(o.account_id, o.contract_id) for o in fake.placed} == {
        (100001, ES),
        (100001, NQ),
        (100002, ES),
    }


def test_an_accounts_csv_with_a_byte_order_mark_is_read(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    ids = tmp_path / "accounts.csv"
    ids.write_bytes("\ufeffname,account_id\ndesk a,100002\n".encode())
    done = cli("--accounts-file", str(ids), "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert [(o.account_id, o.contract_id) for o in fake.placed] == [(100002, ES)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100001\n\n12x\n", "accounts.txt, line 3: expected an account id"),
        ("100001\n0\n", "accounts.txt, line 2: expected an account id"),
        ("account_id,name\n100001,a\n,b\n", "accounts.txt, line 3: expected an account id"),
        ("id,name\n100001,a\n", "a CSV needs an account_id column"),
        ("# nothing here\n", "no account ids listed"),
        ("100002\n100001\n", "accounts.txt, line 2: account 100001 is listed twice"),
    ],
)
def test_a_bad_accounts_file_names_the_line_and_sends_nothing(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path, text: str, message: str
) -> None:
    ids = tmp_path / "accounts.txt"
    ids.write_text(text, encoding="utf-8")
    done = cli("--account", "100001", "--accounts-file", str(ids), "--base-url", server.base_url)
    assert done.returncode == EXIT_USAGE
    assert message in done.stderr
    assert fake.requests == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("100001", "3570918", "--account", "1"), "not ACCOUNT_ID CONTRACT_ID with --account"),
        (("--from-csv", "x.csv", "--all-accounts"), "not --from-csv with --all-accounts"),
        (("--all-accounts", "--account", "1"), "--all-accounts already names every account"),
        (("100001", "3570918", "--method", "bulk"), "--method applies to --account"),
        (("--account", "1", "--method", "all"), "invalid choice"),
    ],
)
def test_mixed_targets_and_a_misplaced_method_are_usage_errors(
    fake: FakeTradovate, server: FakeServer, arguments: tuple[str, ...], message: str
) -> None:
    done = cli(*arguments, "--base-url", server.base_url)
    assert done.returncode == EXIT_USAGE
    assert message in done.stderr
    assert fake.requests == []


def test_all_accounts_refuses_without_a_terminal_and_without_yes(
    fake: FakeTradovate, server: FakeServer
) -> None:
    done = cli("--all-accounts", "--base-url", server.base_url, stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_USAGE
    assert "refusing --all-accounts without --yes" in done.stderr
    assert fake.requests == []  # refused before even listing the accounts


def at_terminal(answer: bytes, *arguments: str) -> subprocess.CompletedProcess[str]:
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer)
        return cli(*arguments, stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)


def test_all_accounts_asks_at_a_terminal_and_stops_on_no(
    fake: FakeTradovate, server: FakeServer
) -> None:
    done = at_terminal(b"n\n", "--all-accounts", "--base-url", server.base_url)
    assert done.returncode == EXIT_USAGE
    assert "This flattens every position of 3 account(s): 100001, 100002, 100003" in done.stderr
    assert "not confirmed; nothing was sent" in done.stderr
    assert posts(fake) == []


def test_all_accounts_goes_on_after_yes(fake: FakeTradovate, server: FakeServer) -> None:
    done = at_terminal(b"y\n", "--all-accounts", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    assert len(fake.placed) == 3
    assert "3 account(s): 3 flat" in done.stdout


def test_all_accounts_with_yes_needs_no_terminal(fake: FakeTradovate, server: FakeServer) -> None:
    done = cli("--all-accounts", "--yes", "--base-url", server.base_url, stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_OK, done.stderr
    assert {o.account_id for o in fake.placed} == {100001, 100002}


def test_accounts_on_live_are_guarded(fake: FakeTradovate) -> None:
    done = cli("--account", "100001", "--env", "live", stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_USAGE
    assert "refusing to liquidate on LIVE without --yes" in done.stderr
    asked = at_terminal(b"1\n", "--account", "100001", "--account", "100002", "--env", "live")
    assert asked.returncode == EXIT_USAGE
    assert "every position of 2 account(s) on LIVE" in asked.stderr
    assert "Type the number of accounts (2)" in asked.stderr


def test_exit_5_when_sent_but_not_flat_in_time(server: FakeServer) -> None:
    fake = book(FakeTradovate(fill_mode="never"))
    with fake.serve() as never_fills:
        done = cli("--account", "100002", "--base-url", never_fills.base_url, "--flat-timeout", "0")
    assert done.returncode == EXIT_NOT_FLAT
    assert "0 flat, 1 NOT known flat" in done.stdout
    assert str(fake.placed[0].order_id) in done.stdout


def test_exit_1_when_the_first_reads_fail_since_nothing_was_sent(
    fake: FakeTradovate, server: FakeServer
) -> None:
    fake.inject(Fault.read_error(), times=None)
    done = cli("--account", "100002", "--base-url", server.base_url)
    assert done.returncode == EXIT_NOT_LIQUIDATED
    assert posts(fake) == []


def test_exit_4_when_the_outcome_is_still_unknown_after_verification(
    fake: FakeTradovate, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = fake.handle

    def reads_fail_after_the_post(method: str, path: str, body: bytes, **kwargs: object) -> object:
        reply = handle(method, path, body, **kwargs)  # type: ignore[arg-type]
        if method == "POST":  # the answer is a 500, and no read can tell what happened
            fake.inject(Fault.read_error(), times=None)
        return reply

    monkeypatch.setattr(fake, "handle", reads_fail_after_the_post)
    fake.inject(Fault.server_error())
    arguments = ("--settle-timeout", "0", "--flat-timeout", "0")
    done = cli("--account", "100002", "--base-url", server.base_url, *arguments)
    assert done.returncode == EXIT_UNKNOWN, done.stdout
    assert "UNKNOWN: check positions" in done.stdout
    assert len(fake.placed) == 1


def test_exit_3_on_a_lockout(fake: FakeTradovate, server: FakeServer) -> None:
    fake.lock_out()
    done = cli("--account", "100001", "--base-url", server.base_url)
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert "rate limited" in done.stdout
    assert posts(fake) == []


def test_a_progress_line_on_a_terminal_and_none_with_json(
    fake: FakeTradovate, server: FakeServer
) -> None:
    outputs = []
    for extra in ((), ("--json",)):
        primary, secondary = pty.openpty()
        try:
            arguments = ("--account", "100001", "--account", "100002", *extra)
            done = cli(*arguments, "--base-url", server.base_url, stderr=secondary)
            os.close(secondary)
            outputs.append(_read_all(primary))
        finally:
            os.close(primary)
        assert done.returncode == EXIT_OK
    assert "\r[2/2 accounts] 0 not flat" in outputs[0]
    assert outputs[1] == ""


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # Linux: EIO once the other side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_max_penalty_wait_and_deadline_reach_the_client(
    fake: FakeTradovate, server: FakeServer
) -> None:
    fake.impose_penalty(30)  # within the default 60 s, the run would wait it out
    done = cli("--account", "100002", "--base-url", server.base_url, "--max-penalty-wait", "0")
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert "would exceed max_penalty_wait (0 s" in done.stdout
    refused = cli("--account", "100002", "--base-url", server.base_url, "--deadline", "0")
    assert refused.returncode == EXIT_USAGE
    assert "deadline: must be a finite number above 0" in refused.stderr


def test_a_stray_working_order_is_cancelled_and_shown_with_its_order_id(
    fake: FakeTradovate, server: FakeServer
) -> None:
    """An order resting on a contract without a position could open one after the flatten."""
    stray = fake.add_working_order(account_id=100003, contract_id=CL, side="Sell")
    done = cli("--account", "100003", "--json", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    rows = json.loads(done.stdout)
    cancelled = [r for r in rows if r["outcome"] == "working order cancelled"]
    assert [(r["account_id"], r["order_id"]) for r in cancelled] == [(100003, stray)]
    assert fake.working_orders(100003, CL) == []
    assert posts(fake) == ["/v1/order/cancelorder"]


def test_a_cancel_refused_counts_as_not_done(fake: FakeTradovate, server: FakeServer) -> None:
    fake.add_working_order(account_id=100003, contract_id=CL)
    fake.inject(Fault.error_text("Order cannot be cancelled"), times=None)
    done = cli("--account", "100003", "--base-url", server.base_url)
    assert done.returncode == EXIT_NOT_LIQUIDATED, done.stdout
    assert "working orders: " in done.stdout
    assert "stray working order(s): 0 cancelled, 1 failed" in done.stdout
    assert posts(fake) == ["/v1/order/cancelorder"]

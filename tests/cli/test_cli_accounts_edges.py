"""The command's whole-account modes, dry run and audit log against awkward input (a
review's cases: each failed before its fix)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tradovate_liquidate._cli_output import EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE
from tradovate_liquidate.testing import FakeServer, FakeTradovate
from tradovate_liquidate.testing._wire import Reply

from . import test_cli_accounts
from .test_cli import TOKEN, cli
from .test_cli_accounts import ES, NQ, posts

# The whole-account book and its server, as the command's account tests use them.
fake, server = test_cli_accounts.fake, test_cli_accounts.server


def test_with_audit_log_a_deeply_nested_symbols_answer_keeps_the_table_and_exit_0(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The symbols read is display only: a bad answer must leave bare ids (as it does
    without --audit-log). With --audit-log the audit parses the answer itself
    (_audit._allowed_fields) and RecursionError escapes: a traceback after both closing
    orders were placed, no table, no order ids, exit 1 ('the server certainly did not
    act')."""
    handle = fake.handle

    def deep_symbols(method: str, path: str, body: bytes, **kwargs: Any) -> Reply:
        reply = handle(method, path, body, **kwargs)
        if path.endswith("/contract/items"):
            return Reply(200, b"[" * 200_000, "application/json")
        return reply

    monkeypatch.setattr(fake, "handle", deep_symbols)
    log = tmp_path / "audit.jsonl"
    arguments = ("--account", "100001", "--json", "--audit-log", str(log))
    done = cli(*arguments, "--base-url", server.base_url)
    assert len(fake.placed) == 2  # both liquidations went out
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == EXIT_OK
    rows = json.loads(done.stdout)
    assert {row["order_id"] for row in rows} == {order.order_id for order in fake.placed}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# Each case: arguments the real run refuses as a usage error (exit 2, nothing sent).
REFUSED = {
    "a position listed twice in the CSV": lambda tmp: (
        "--from-csv",
        write(tmp, "p.csv", f"account_id,contract_id\n100001,{ES}\n100001,{ES}\n"),
    ),
    "a --tag over 64 characters": lambda tmp: ("--account", "100001", "--tag", "x" * 65),
    "--concurrency 0": lambda tmp: ("--account", "100001", "--concurrency", "0"),
    "an account id past int64": lambda tmp: ("--account", str(2**63)),
    "a contract id of 0 in the CSV": lambda tmp: (
        "--from-csv",
        write(tmp, "z.csv", "account_id,contract_id\n100001,0\n"),
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_dry_run_refuses_what_the_real_run_refuses(
    case: str, fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    """--dry-run is the rehearsal of the emergency: it must not print 'would liquidate'
    and exit 0 for arguments the real run refuses with exit 2 (the public boundary's
    checks run only inside liquidate_many/liquidate_accounts, which the dry run skips)."""
    arguments = REFUSED[case](tmp_path)
    real = cli(*arguments, "--base-url", server.base_url)
    assert real.returncode == EXIT_USAGE, real.stderr  # the real run refuses, sends nothing
    assert not posts(fake)
    dry = cli(*arguments, "--dry-run", "--base-url", server.base_url)
    assert not posts(fake)
    assert dry.returncode == EXIT_USAGE, (case, dry.returncode, dry.stdout)


def test_a_dry_run_does_not_promise_liquidations_an_unreadable_state_file_blocks(
    fake: FakeTradovate, server: FakeServer
) -> None:
    """With the pending state file unreadable, the real run sends nothing and exits 4;
    the dry run says so and exits 4 too (it said "would liquidate" and exit 0)."""
    state = Path(os.environ["TRADOVATE_LIQUIDATE_STATE"])
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("{not json", encoding="utf-8")
    arguments = ("--account", "100001", "--flat-timeout", "0.5", "--base-url", server.base_url)
    real = cli(*arguments)
    assert real.returncode == EXIT_UNKNOWN
    assert not posts(fake)
    dry = cli(*arguments, "--dry-run")
    assert "would not send: the pending state file" in dry.stdout
    assert dry.returncode == EXIT_UNKNOWN, dry.stdout


def test_an_accounts_file_comment_holding_a_comma_is_still_a_comment(
    fake: FakeTradovate, server: FakeServer, tmp_path: Path
) -> None:
    """README: one id a line, '#' comments ignored. A comment with a comma on the first id
    line turns the file into a 'CSV' (_cli_accounts.read_accounts_file tests the raw line
    for ','), which is then refused: 'a CSV needs an account_id column', exit 2."""
    desk = write(tmp_path, "desk.txt", "100001  # desk A, night shift\n100002\n")
    done = cli("--accounts-file", desk, "--dry-run", "--json", "--base-url", server.base_url)
    assert done.returncode == EXIT_OK, done.stderr
    rows = json.loads(done.stdout)
    assert {row["account_id"] for row in rows} == {100001, 100002}
    assert {(row["contract_id"], row["net_before"]) for row in rows} >= {(ES, 2), (NQ, -1)}


def test_a_dry_run_reads_the_state_file_once_not_once_per_position(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    state_file_loads: list[None],
) -> None:
    """Each look at the state file locks it and reads it whole: asking it per position
    made a dry run of 30 accounts read it 60 times more than it needs to."""
    from tradovate_liquidate._cli import main

    accounts = range(300_001, 300_031)
    many = FakeTradovate()
    many.accept_token(TOKEN)
    many.add_positions([(a, c, 1) for a in accounts for c in (ES, NQ)])
    monkeypatch.setenv("TRADOVATE_ACCESS_TOKEN", TOKEN)
    ids = [argument for a in accounts for argument in ("--account", str(a))]
    with many.serve() as served:
        state = ["--state-file", str(tmp_path / "pending.json")]
        code = main([*ids, "--dry-run", "--json", "--base-url", served.base_url, *state])
    assert code == EXIT_OK, capsys.readouterr().err
    assert len(json.loads(capsys.readouterr().out)) == 60
    assert not [r for r in many.requests if r.method == "POST"]
    assert len(state_file_loads) <= 2  # the client's own load, then one look for all 60 positions

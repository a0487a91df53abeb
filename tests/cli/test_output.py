"""What the command prints where: -v and -q, a reader that leaves early, messages that say
what to do."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from collections.abc import Iterator

import pytest

from tradovate_liquidate._cli import CREDENTIAL_ENV_VARS
from tradovate_liquidate._cli_output import (
    EXIT_AUTH_OR_RATE,
    EXIT_NOT_LIQUIDATED,
    EXIT_OK,
    EXIT_USAGE,
)
from tradovate_liquidate.testing import FakeServer, FakeTradovate

from .test_cli import TOKEN, cli

REQUEST_LINE = re.compile(r"DEBUG POST /v1/order/liquidateposition -> 200 in \d+\.\d ms$")


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.accept_token(TOKEN)
    fake.add_position(account_id=100001, contract_id=3570918, net_pos=3)
    fake.add_position(account_id=100002, contract_id=3570918, net_pos=-1)
    return fake


@pytest.fixture
def server(fake: FakeTradovate) -> Iterator[FakeServer]:
    with fake.serve() as server:
        yield server


def test_verbose_logs_one_line_per_request_on_stderr_and_leaves_stdout_alone(
    server: FakeServer,
) -> None:
    plain = cli("100001", "3570918", "--base-url", server.base_url)
    verbose = cli("100002", "3570918", "--base-url", server.base_url, "-v")
    assert plain.returncode == verbose.returncode == EXIT_OK
    assert plain.stderr == ""
    (line,) = verbose.stderr.splitlines()
    assert REQUEST_LINE.search(line), line
    assert verbose.stdout.splitlines()[0] == plain.stdout.splitlines()[0]
    assert TOKEN not in verbose.stdout + verbose.stderr


def test_verbose_shows_the_waits_and_quiet_hides_them(
    fake: FakeTradovate, server: FakeServer
) -> None:
    fake.impose_penalty(1)
    verbose = cli("100001", "3570918", "--base-url", server.base_url, "--verbose")
    assert verbose.returncode == EXIT_OK, verbose.stderr
    lines = verbose.stderr.splitlines()
    assert len(lines) == 3, lines  # the penalty answer, the wait, the resend
    assert REQUEST_LINE.search(lines[0])
    assert "WARNING time penalty" in lines[1]
    assert "waiting 1.00 s" in lines[1]
    assert REQUEST_LINE.search(lines[2])

    fake.impose_penalty(1)
    quiet = cli("100002", "3570918", "--base-url", server.base_url, "-q")
    assert quiet.returncode == EXIT_OK
    assert quiet.stderr == ""
    assert quiet.stdout == "1 position(s): 1 liquidated\n"


def test_the_table_ends_with_the_summary_that_quiet_prints_alone(
    fake: FakeTradovate, server: FakeServer
) -> None:
    fake.set_account_status(100002, "locked")
    table = cli("100001", "3570918", "--base-url", server.base_url)
    assert table.stdout.splitlines()[-1] == "1 position(s): 1 liquidated"
    quiet = cli("100002", "3570918", "--base-url", server.base_url, "--quiet")
    assert quiet.returncode == EXIT_NOT_LIQUIDATED
    assert quiet.stdout == "1 position(s): 1 rejected\n"


def test_json_stays_machine_clean_under_verbose(server: FakeServer) -> None:
    done = cli("100001", "3570918", "--base-url", server.base_url, "--json", "-v")
    assert done.returncode == EXIT_OK
    (row,) = json.loads(done.stdout)
    assert row["outcome"] == "liquidated"
    assert REQUEST_LINE.search(done.stderr.strip())


def test_verbose_and_quiet_together_are_a_usage_error() -> None:
    done = cli("1", "2", "-v", "-q")
    assert done.returncode == EXIT_USAGE
    assert "not allowed with argument" in done.stderr


@pytest.mark.parametrize("output", [(), ("--json",), ("-q",)])
def test_a_reader_that_left_does_not_change_the_exit_code(
    server: FakeServer, output: tuple[str, ...]
) -> None:
    """`... --json | head -1`: the exit code still says what happened to the positions."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, as once head has exited
    try:
        done = cli(
            "100001",
            "3570918",
            "--base-url",
            server.base_url,
            *output,
            token="wrong-token",
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_AUTH_OR_RATE
    assert done.stderr == ""


def test_a_missing_token_names_every_way_to_give_one(server: FakeServer) -> None:
    done = cli("100001", "3570918", "--base-url", server.base_url, token=None)
    assert done.returncode == EXIT_USAGE
    for way in ("TRADOVATE_ACCESS_TOKEN", "--token-file", *CREDENTIAL_ENV_VARS):
        assert way in done.stderr
    assert len(CREDENTIAL_ENV_VARS) == 6


def test_a_connection_failure_names_the_host_and_port_tried() -> None:
    with socket.socket() as bound_not_listening:  # connecting to it is refused at once
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        done = cli("100001", "3570918", "--base-url", f"http://127.0.0.1:{port}/v1", "--json")
    assert done.returncode == EXIT_NOT_LIQUIDATED
    (row,) = json.loads(done.stdout)
    assert row["outcome"] == "no connection"
    assert f"tried 127.0.0.1:{port}: check --base-url or --env" in row["detail"]

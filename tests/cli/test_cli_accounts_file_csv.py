"""The command's accounts file read as a CSV when its header holds a "#" (a review's case)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradovate_liquidate._cli_output import EXIT_OK
from tradovate_liquidate.testing import FakeTradovate

from .test_cli import TOKEN

ES, NQ = 3570918, 3570920


def run(
    arguments: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str, FakeTradovate]:
    from tradovate_liquidate._cli import main

    fake = FakeTradovate()
    fake.accept_token(TOKEN)
    fake.add_positions([(100001, ES, 2), (100002, NQ, -1)])
    monkeypatch.setenv("TRADOVATE_ACCESS_TOKEN", TOKEN)
    state = ["--state-file", str(tmp_path / "pending.json")]
    with fake.serve() as served:
        code = main([*arguments, "--json", "--base-url", served.base_url, *state])
    out, err = capsys.readouterr()
    return code, out, err, fake


def test_a_csv_whose_first_column_name_holds_a_hash_is_still_a_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: --accounts-file holds one id a line, "or a CSV with an account_id column
    (other columns ignored)". A spreadsheet export such as `Desk #,account_id` was read
    as a CSV before the change; read_accounts_file now cuts the header line at its first
    '#' (meant for "100001  # desk A, night"), finds no comma left, takes the file for
    one id a line and refuses it (exit 2: "expected an account id, not 'Desk'"), so a
    file that flattened both accounts before no longer runs at all."""
    path = tmp_path / "desk.csv"
    path.write_text("Desk #,account_id\nA,100001\nB,100002\n", encoding="utf-8")
    code, out, err, fake = run(
        ["--accounts-file", str(path), "--dry-run"], tmp_path, monkeypatch, capsys
    )
    assert code == EXIT_OK, err
    assert {row["account_id"] for row in json.loads(out)} == {100001, 100002}
    assert not [r for r in fake.requests if r.method == "POST"]

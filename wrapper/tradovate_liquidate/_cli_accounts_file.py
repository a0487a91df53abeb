"""The accounts the command line names: `--account ID` (repeatable) and `--accounts-file
FILE` (one id a line with `#` comments, or a CSV with an account_id column), each once."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from ._cli_output import UsageError


def read_accounts_file(path: Path) -> list[tuple[int, str]]:
    """(account id, "FILE, line N") for each id: one a line, or a CSV's account_id column."""
    try:
        # utf-8-sig: a spreadsheet's "CSV UTF-8" starts with a byte-order mark.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--accounts-file {path}: {getattr(exc, 'strerror', exc)}") from None
    first = next((line for line in lines if line.strip() and not _comment(line)), "")
    # A comment may hold a comma ("100001  # desk A, night"), a CSV header a "#" ("Desk
    # #,account_id"): a CSV is told by its account_id column, or a comma before any "#".
    names = [name.strip().lower() for name in next(csv.reader([first]), [])]
    if "account_id" in names or "," in first.split("#", 1)[0]:
        found = _csv_ids(path, lines)
    else:
        found = []
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if text:
                found.append((_account_id(text, path, number), f"{path}, line {number}"))
    if not found:
        raise UsageError(f"--accounts-file {path}: no account ids listed")
    return found


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _csv_ids(path: Path, lines: list[str]) -> list[tuple[int, str]]:
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not _comment(line)]
    names = [name.strip() for name in next(csv.reader([numbered[0][1]]))]
    if "account_id" not in names:
        raise UsageError(f"--accounts-file {path}: a CSV needs an account_id column")
    column = names.index("account_id")
    found = []
    for number, line in numbered[1:]:
        cells = next(csv.reader([line]))
        value = cells[column] if column < len(cells) else ""
        found.append((_account_id(value, path, number), f"{path}, line {number}"))
    return found


def _account_id(text: str, path: Path, number: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise UsageError(
            f"--accounts-file {path}, line {number}: expected an account id (a whole number "
            f"above 0), not {text.strip()!r}"
        )
    return value


def listed_accounts(args: argparse.Namespace) -> list[int] | None:
    """The ids of --account and --accounts-file, each once; None for --all-accounts."""
    if args.all_accounts:
        return None
    found = [(value, f"--account {value}") for value in args.account or ()]
    if args.accounts_file is not None:
        found += read_accounts_file(args.accounts_file)
    first: dict[int, str] = {}
    for value, where in found:
        if value <= 0:
            raise UsageError(f"{where}: an account id is a whole number above 0")
        if value in first:
            raise UsageError(f"{where}: account {value} is listed twice (also {first[value]})")
        first[value] = where
    return list(first)

"""The live guard: every spelling of the live host asks a person first, or refuses."""

from __future__ import annotations

import argparse
import io
import os
import pty
import subprocess
import sys

import pytest

from tradovate_liquidate._cli_output import EXIT_USAGE

from .test_cli import cli


def test_live_refuses_without_a_terminal_and_without_yes() -> None:
    done = cli("100001", "3570918", "--env", "live", stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_USAGE
    assert "refusing to liquidate on LIVE without --yes" in done.stderr


def test_live_asks_for_the_account_id_and_stops_on_a_wrong_answer() -> None:
    primary, secondary = pty.openpty()
    try:
        os.write(primary, b"999\n")
        done = cli("100001", "3570918", "--env", "live", stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert done.returncode == EXIT_USAGE
    assert "Type the account id (100001) to go on" in done.stderr
    assert "not confirmed; nothing was sent" in done.stderr


def test_live_confirmation_accepts_the_right_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, so that a right answer never reaches the real live host."""
    import argparse
    import io

    from tradovate_liquidate import _cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = argparse.Namespace(env="live", base_url=None, yes=False)
    monkeypatch.setattr(sys, "stdin", Terminal("3\n"))
    _cli._confirm_live(args, [(1, 2), (3, 4), (5, 6)])  # the count of positions: accepted
    monkeypatch.setattr(sys, "stdin", Terminal("1\n"))
    with pytest.raises(_cli.UsageError, match="not confirmed"):
        _cli._confirm_live(args, [(1, 2), (3, 4), (5, 6)])
    _cli._confirm_live(
        argparse.Namespace(env="live", base_url=None, yes=True), [(1, 2)]
    )  # --yes: no question
    _cli._confirm_live(
        argparse.Namespace(env="demo", base_url=None, yes=False), [(1, 2)]
    )  # demo: no question


LIVE_VARIANTS = [
    "https://live.tradovateapi.com/v1",
    "https://LIVE.tradovateapi.com/v1",
    "https://Live.TradovateAPI.COM/v1/",
    "https://live.tradovateapi.com:443/v1",
    "https://live.tradovateapi.com:8443/v1",
    "https://live.tradovateapi.com./v1",
    "https://LIVE.tradovateapi.com.:443/v1",
    "https://eu.live.tradovateapi.com/v1",
    "https://bücher.live.tradovateapi.com/v1",  # IDNA: a Unicode subdomain
    "https://xn--bcher-kva.live.tradovateapi.com/v1",  # the same, as punycode
    # full-width letters, which IDNA maps to ASCII
    "https://" + "".join(chr(ord(c) + 0xFEE0) for c in "live") + ".tradovateapi.com/v1",
    "https://live。tradovateapi。com/v1",  # an ideographic full stop is a dot for IDNA
    "https://user@live.tradovateapi.com/v1",
]
DEMO_HOSTS = [
    "https://demo.tradovateapi.com/v1",
    "https://DEMO.tradovateapi.com./v1",
    "https://notlive.tradovateapi.com/v1",
    "https://live.tradovateapi.com.example.org/v1",
    "http://127.0.0.1:8000/v1",
]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("base_url", LIVE_VARIANTS)
def test_every_spelling_of_the_live_host_is_guarded(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradovate_liquidate import _cli

    args = argparse.Namespace(env="demo", base_url=base_url, yes=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no one at a terminal: refused
    with pytest.raises(_cli.UsageError, match="refusing to liquidate on LIVE"):
        _cli._confirm_live(args, [(100001, 3570918)])
    monkeypatch.setattr(sys, "stdin", _Terminal("999\n"))  # at a terminal: asked
    with pytest.raises(_cli.UsageError, match="not confirmed"):
        _cli._confirm_live(args, [(100001, 3570918)])


@pytest.mark.parametrize("base_url", DEMO_HOSTS)
def test_other_hosts_are_not_asked_about(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradovate_liquidate import _cli

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    _cli._confirm_live(argparse.Namespace(env="demo", base_url=base_url, yes=False), [(1, 2)])


def test_an_uppercase_live_url_is_refused_by_the_command_without_a_terminal() -> None:
    done = cli(
        "100001",
        "3570918",
        "--base-url",
        "https://LIVE.tradovateapi.com:443/v1",
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == EXIT_USAGE
    assert "refusing to liquidate on LIVE without --yes" in done.stderr

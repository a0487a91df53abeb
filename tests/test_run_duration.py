"""The README's "How long can a run take" is computed from the client's real defaults."""

from __future__ import annotations

from pathlib import Path

from tradovate_liquidate._config import (
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_DEADLINE,
    DEFAULT_FLAT_TIMEOUT,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_SETTLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    MAX_PENALTY_ROUNDS,
)
from tradovate_liquidate._reads import READ_ATTEMPTS, READ_BACKOFF

README = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())


def request(deadline: float, connect: float, penalty_wait: float, rounds: int) -> float:
    backoff = sum(DEFAULT_CONNECT_BACKOFF * 2**i for i in range(DEFAULT_CONNECT_RETRIES))
    tries = 1 + (rounds if penalty_wait else 0)  # with no waits allowed, a penalty fails
    return tries * deadline + penalty_wait + DEFAULT_CONNECT_RETRIES * connect + backoff


def read(one: float) -> float:
    return READ_ATTEMPTS * one + sum(READ_BACKOFF * 2**i for i in range(READ_ATTEMPTS - 1))


def symbols(deadline: float) -> float:
    """The command's symbols read: display only, so no penalty wait, no connect retry."""
    return read(deadline)


def account(one: float, settle: float, flat: float, deadline: float) -> float:
    position = one + settle + deadline  # verification ends one deadline after the window
    return one + read(one) + position + flat + read(one) + symbols(deadline)


def g(value: float) -> str:
    return f"{round(value, 2):g}"


def test_the_documented_defaults_are_the_constants() -> None:
    connect = DEFAULT_TIMEOUT.connect
    assert connect is not None
    stated = (
        f"(`deadline` {g(DEFAULT_DEADLINE)} s, `max_penalty_wait` {g(DEFAULT_MAX_PENALTY_WAIT)} s, "
        f"{MAX_PENALTY_ROUNDS} penalty rounds, `connect_retries` {DEFAULT_CONNECT_RETRIES} with "
        f"`timeout.connect` {g(connect)} s and 0.75 s of backoff, {READ_ATTEMPTS} tries per read, "
        f"`settle_timeout` {g(DEFAULT_SETTLE_TIMEOUT)} s, "
        f"`flat_timeout` {g(DEFAULT_FLAT_TIMEOUT)} s)"
    )
    assert stated in README


def test_the_documented_worst_cases_add_up() -> None:
    connect = DEFAULT_TIMEOUT.connect
    assert connect is not None
    one = request(DEFAULT_DEADLINE, connect, DEFAULT_MAX_PENALTY_WAIT, MAX_PENALTY_ROUNDS)
    assert f"= {g(one)} s" in README
    assert f"0.3 s apart: {g(read(one))} s" in README
    assert f"3 x {g(DEFAULT_DEADLINE)} + 0.3 = {g(symbols(DEFAULT_DEADLINE))} s" in README
    worst = account(one, DEFAULT_SETTLE_TIMEOUT, DEFAULT_FLAT_TIMEOUT, DEFAULT_DEADLINE)
    assert f"= {g(worst)} s (about {round(worst / 60)} minutes)" in README
    bounded = request(3, 3, 0, MAX_PENALTY_ROUNDS)
    assert f"one request takes at most 3 + 6 + 0.75 = {g(bounded)} s" in README
    assert f"the account above at most {g(account(bounded, 2, 10, 3))} s" in README

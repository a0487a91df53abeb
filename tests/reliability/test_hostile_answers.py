"""Hostile answers over real loopback: trickled, huge, compressed, nested past reason.

Every case ends in the error tree (never RecursionError or MemoryError), within the
client's deadline plus a small margin, and holds no more than the answer limit in memory.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import zlib

import pytest

from tradovate_liquidate import (
    LiquidationResult,
    OutcomeUnknownError,
    UnexpectedResponseError,
)

from ..harness import Harness
from .hostile import HostileServer, response, trickled

# What an answer alone means; verification's reads would meet the same hostile server.
pytestmark = pytest.mark.answer_only

OK = json.dumps({"failureReason": "Success", "orderId": 7}).encode()


def call(harness: Harness, server: HostileServer, **client: object) -> object:
    kwargs = {"token": "tok", "base_url": server.base_url, "connect_backoff": 0, **client}
    try:
        return harness.liquidate(kwargs, 1, 2)
    except Exception as exc:
        return exc


def test_a_trickled_body_ends_at_the_deadline(harness: Harness) -> None:
    whole = response(OK)
    head, body = whole[: whole.index(b"\r\n\r\n") + 4], whole[whole.index(b"\r\n\r\n") + 4 :]
    server = HostileServer([(head, 0), *trickled(body, 0.2)])  # 44 bytes over ~9 s
    with server.running():
        started = time.monotonic()
        outcome = call(harness, server, deadline=1.0, timeout=5)
        elapsed = time.monotonic() - started
    assert type(outcome) is OutcomeUnknownError
    assert "deadline" in str(outcome)
    assert elapsed < 1.0 + 0.6  # one trickled read past the deadline at most
    assert server.requests == 1


def test_an_answer_within_the_deadline_is_read(harness: Harness) -> None:
    server = HostileServer(trickled(response(OK), 0.001, step=16))
    with server.running():
        outcome = call(harness, server, deadline=5.0)
    assert isinstance(outcome, LiquidationResult)
    assert outcome.order_id == 7


def test_a_huge_answer_is_unreadable_and_never_held_whole(harness: Harness) -> None:
    chunk = b" " * (1 << 20)
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 314572800\r\n\r\n"
    server = HostileServer([(head, 0), *[(chunk, 0)] * 300])
    tracemalloc.start()
    try:
        with server.running():
            outcome = call(harness, server)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(outcome) is OutcomeUnknownError
    assert "larger than 1,048,576 bytes" in str(outcome)
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_a_gzip_bomb_is_unreadable_and_never_inflated_whole(harness: Harness) -> None:
    bomb = gzip.compress(b"0" * 300_000_000)  # about 291 KB
    server = HostileServer([(response(bomb, headers={"Content-Encoding": "gzip"}), 0)])
    tracemalloc.start()
    try:
        with server.running():
            outcome = call(harness, server)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(outcome) is OutcomeUnknownError
    assert "larger than" in str(outcome)
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_a_compressed_answer_within_the_limit_is_read(harness: Harness) -> None:
    server = HostileServer([(response(gzip.compress(OK), headers={"Content-Encoding": "gzip"}), 0)])
    with server.running():
        outcome = call(harness, server)
    assert isinstance(outcome, LiquidationResult)
    assert outcome.order_id == 7


def deflated(data: bytes, *, raw: bool) -> bytes:
    """ "deflate" as RFC 9110 means it (zlib), or raw as some servers send it."""
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("raw", [False, True], ids=["zlib", "raw"])
@pytest.mark.parametrize("step", [1, 4096])
def test_a_deflate_answer_is_read_zlib_or_raw(harness: Harness, raw: bool, step: int) -> None:
    """httpx reads both kinds of "deflate", so must the bounded reader (byte by byte too:
    the header's two bytes then come in two chunks)."""
    whole = response(deflated(OK, raw=raw), headers={"Content-Encoding": "deflate"})
    server = HostileServer(trickled(whole, 0.0, step=step))
    with server.running():
        outcome = call(harness, server)
    assert isinstance(outcome, LiquidationResult), repr(outcome)
    assert outcome.order_id == 7


@pytest.mark.parametrize("raw", [False, True], ids=["zlib", "raw"])
def test_a_deflate_bomb_is_unreadable_and_never_inflated_whole(harness: Harness, raw: bool) -> None:
    bomb = deflated(b"0" * 300_000_000, raw=raw)
    server = HostileServer([(response(bomb, headers={"Content-Encoding": "deflate"}), 0)])
    tracemalloc.start()
    try:
        with server.running():
            outcome = call(harness, server)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(outcome) is OutcomeUnknownError
    assert "larger than" in str(outcome)
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_an_encoding_not_asked_for_is_unreadable(harness: Harness) -> None:
    server = HostileServer([(response(b"\x00" * 10, headers={"Content-Encoding": "zstd"}), 0)])
    with server.running():
        outcome = call(harness, server)
    assert type(outcome) is OutcomeUnknownError
    assert "zstd" in str(outcome)


@pytest.mark.parametrize("body", [b"[" * 200_000, b'{"a":' * 100_000])
def test_deep_json_is_an_unreadable_answer(harness: Harness, body: bytes) -> None:
    server = HostileServer([(response(body), 0)])
    with server.running():
        outcome = call(harness, server)
    assert type(outcome) is UnexpectedResponseError
    assert "nested too deeply" in str(outcome)


@pytest.mark.parametrize("step", [1, 8], ids=["single header bytes", "header lines"])
def test_trickled_headers_end_at_the_deadline(harness: Harness, step: int) -> None:
    whole = response(OK)
    head_end = whole.index(b"\r\n\r\n") + 4
    server = HostileServer(trickled(whole[:head_end], 0.2, step=step))
    with server.running():
        started = time.monotonic()
        outcome = call(harness, server, deadline=1.0, timeout=5)
        elapsed = time.monotonic() - started
    assert type(outcome) is OutcomeUnknownError
    assert elapsed < 1.0 + 0.6
    assert server.requests == 1

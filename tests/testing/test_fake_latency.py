"""The fake's latency counts from a request's arrival: its own work is inside it.

The fake works on one request at a time (one lock), so with the latency added after that
work, a burst of concurrent requests queued behind each other's work: the client saw a
slower server than the latency it was given, and make bench charged that queue to the
client. A hand-driven clock stands for time.monotonic here: a request whose handling
"takes" WORK seconds must wait LATENCY - WORK more, not LATENCY.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock, _transport, _wire

from .conftest import ACCOUNT, CONTRACT, body

LATENCY, WORK = 0.25, 0.1
READ = f"/position/deps?masterid={ACCOUNT}"


@pytest.fixture
def slow_fake(monkeypatch: pytest.MonkeyPatch) -> FakeTradovate:
    """A fake with LATENCY whose every request takes WORK seconds of the clock to handle."""
    clock = ManualClock()
    monkeypatch.setattr(_wire, "arrival", clock.time)
    fake = FakeTradovate(latency=LATENCY)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    handle = fake.handle

    def working(*args: object, **kwargs: object) -> _wire.Reply:
        reply = handle(*args, **kwargs)  # type: ignore[arg-type]
        clock.advance(WORK)
        return reply

    monkeypatch.setattr(fake, "handle", working)
    return fake


def _headers(fake: FakeTradovate) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.issue_token()}"}


def test_the_transport_waits_what_is_left_of_the_latency(
    slow_fake: FakeTradovate, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(_transport.time, "sleep", waits.append)
    with httpx.Client(transport=slow_fake.transport(), base_url="http://fake/v1") as http:
        assert http.get(READ, headers=_headers(slow_fake)).status_code == 200
    assert waits == [pytest.approx(LATENCY - WORK)]


def test_the_async_transport_waits_what_is_left_of_the_latency(
    slow_fake: FakeTradovate, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def read() -> int:
        transport = slow_fake.transport()
        async with httpx.AsyncClient(transport=transport, base_url="http://fake/v1") as http:
            return (await http.get(READ, headers=_headers(slow_fake))).status_code

    monkeypatch.setattr(_transport.asyncio, "sleep", sleep)
    assert asyncio.run(read()) == 200
    assert waits == [pytest.approx(LATENCY - WORK)]


class RecordedEvent(threading.Event):
    """The server's stop event, which every answer's wait goes through: what it waited."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return super().wait(timeout)


def test_the_server_waits_what_is_left_of_the_latency(slow_fake: FakeTradovate) -> None:
    with slow_fake.serve() as server, httpx.Client(base_url=server.base_url) as http:
        server._server.stopping = stopping = RecordedEvent()
        assert http.get(READ, headers=_headers(slow_fake)).status_code == 200
    assert stopping.waits == [pytest.approx(LATENCY - WORK)]


def test_work_longer_than_the_latency_is_answered_at_once() -> None:
    arrived = _wire.arrival() - 2 * LATENCY
    assert _wire.left_to_wait(LATENCY, arrived) == 0.0


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_in_process_only_the_delay_decides_a_timeout_not_the_fakes_own_time(
    slow_fake: FakeTradovate, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # In-process the fake's time is the test process's own: a pause of it must not end a
    # call at random. A delay within the read timeout answers, even after WORK > timeout.
    slow_fake.latency = WORK / 10
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def read_async() -> int:
        transport = slow_fake.transport()
        async with httpx.AsyncClient(
            transport=transport, base_url="http://fake/v1", timeout=WORK / 2
        ) as http:
            return (await http.get(READ, headers=_headers(slow_fake))).status_code

    monkeypatch.setattr(_transport.time, "sleep", waits.append)
    monkeypatch.setattr(_transport.asyncio, "sleep", sleep)
    if kind == "async":
        assert asyncio.run(read_async()) == 200
    else:
        transport = slow_fake.transport()
        with httpx.Client(transport=transport, base_url="http://fake/v1", timeout=WORK / 2) as http:
            assert http.get(READ, headers=_headers(slow_fake)).status_code == 200
    assert waits == [0.0]  # the delay had passed by the time the work was done


def test_a_delay_fault_counts_from_arrival_too(
    slow_fake: FakeTradovate, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(_transport.time, "sleep", waits.append)
    slow_fake.inject(Fault.delay(0.5))
    with httpx.Client(transport=slow_fake.transport(), base_url="http://fake/v1") as http:
        answer = http.post("/order/liquidateposition", json=body(), headers=_headers(slow_fake))
    assert answer.status_code == 200
    assert waits == [pytest.approx(LATENCY + 0.5 - WORK)]


def test_a_read_timeout_shorter_than_the_delay_counts_from_arrival_too(
    slow_fake: FakeTradovate, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(_transport.time, "sleep", waits.append)
    transport = slow_fake.transport()
    http = httpx.Client(transport=transport, base_url="http://fake/v1", timeout=0.2)
    with http, pytest.raises(httpx.ReadTimeout):
        http.get(READ, headers=_headers(slow_fake))
    assert waits == [pytest.approx(0.2 - WORK)]

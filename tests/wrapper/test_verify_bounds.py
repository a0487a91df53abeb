"""Verification's review defects, on both clients: another program's order is never taken
for ours, the server's clock decides "since", verification ends in bounded time, and the
pending state stays honest and small."""

from __future__ import annotations

import contextlib
import json
import logging
import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from tradovate_liquidate import LiquidationResult, NotLiquidatedError, OutcomeUnknownError, _pending
from tradovate_liquidate._pending import PendingTargets
from tradovate_liquidate._verify import MAX_TAG_READS
from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock
from tradovate_liquidate.testing._transport import FakeTransport

from .conftest import ACCOUNT, CONTRACT, Harness


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    return fake


@pytest.fixture
def on_fake(fake: FakeTradovate, token: str, clock: ManualClock) -> dict[str, Any]:
    return {"token": token, "transport": fake.transport(), "connect_backoff": 0, "clock": clock}


def outcome(harness: Harness, kwargs: dict[str, Any], *args: Any, **options: Any) -> Any:
    try:
        return harness.liquidate(kwargs, *args, **options)
    except Exception as error:
        return error


def paths(fake: FakeTradovate) -> list[str]:
    return [request.path.removeprefix("/v1") for request in fake.requests]


def other_programs_order(fake: FakeTradovate) -> int:
    """A Sell on our contract, still PendingNew: the liquidation cannot cancel it."""
    book = fake._book
    book.fill_mode, book.accept_delay = "never", 1.0
    order_id = book.place(ACCOUNT, CONTRACT, "Sell", 1).order_id
    book.accept_delay = 0.0
    return order_id


# -- (a) an untagged call is matched exactly, through the client's own tag -----------------


def test_another_programs_order_just_before_ours_is_never_taken_for_ours(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    """Its order is within the clock-skew allowance before our send, on the closing side;
    ours never reached the server. Nothing of ours exists: not verified, not its id."""
    theirs = other_programs_order(fake)
    clock.advance(0.5)
    fake.inject(Fault.drop_before_acting())
    error = outcome(harness, {**on_fake, "settle_timeout": 2.0}, ACCOUNT, CONTRACT)
    assert type(error) is NotLiquidatedError, repr(error)
    assert error.order_id is None, theirs
    assert paths(fake).count("/order/liquidateposition") == 1
    assert fake.placed == [], "no closing order of ours was placed"


def test_with_another_programs_order_in_flight_ours_is_found(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    theirs = other_programs_order(fake)
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    (ours,) = fake.placed
    assert (result.verified, result.order_id) == (True, ours.order_id)
    assert result.order_id != theirs


def test_the_client_tags_what_it_sends_and_a_callers_tag_wins(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT + 1, net_pos=1)
    harness.liquidate(on_fake, ACCOUNT, CONTRACT + 1, custom_tag="desk-7")
    ours, callers = (request.json().get("customTag50") for request in fake.requests)
    assert ours.startswith("tl-")
    assert len(ours) == 19 <= 64
    assert callers == "desk-7"
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT + 2, net_pos=1)
    harness.liquidate({**on_fake, "verify_outcome": False}, ACCOUNT, CONTRACT + 2)
    assert "customTag50" not in fake.requests[-1].json(), "unverified calls send as asked"


# -- (b) "since" by the server's clock -----------------------------------------------------


@pytest.mark.parametrize("offset", [-30.0, 30.0])
def test_a_lost_answer_is_verified_whatever_the_clock_skew(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, offset: float
) -> None:
    """The answer never came, so the first read's Date fixes the send's instant."""
    fake.clock_offset = offset
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT, custom_tag="desk")
    assert (result.verified, result.order_id) == (True, fake.placed[0].order_id)


def test_an_earlier_order_is_not_ours_when_the_server_clock_is_ahead(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    """Our own order of 60 s ago carries the same tag. "Since" is the earlier of the two
    clocks (this machine's, 30 s behind), so an order of the last 31 s would count; one
    older than that does not. Nothing was done now."""
    fake.clock_offset = 30.0
    earlier = harness.liquidate(on_fake, ACCOUNT, CONTRACT, custom_tag="desk")
    clock.advance(60.0)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    fake.inject(Fault.drop_before_acting())
    error = outcome(harness, on_fake, ACCOUNT, CONTRACT, custom_tag="desk")
    assert type(error) is NotLiquidatedError, repr(error)
    assert earlier.order_id is not None
    assert error.order_id is None


class DatedWrongly(FakeTransport):
    """Every answer's Date header a year ahead of the server's own clock (its orders'
    timestamps stay right)."""

    def _dated(self, answer: httpx.Response) -> httpx.Response:
        from email.utils import formatdate

        answer.headers["date"] = formatdate(self.fake._clock() + 365 * 86400, usegmt=True)
        return answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._dated(super().handle_request(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._dated(await super().handle_async_request(request))


def test_a_bogus_date_header_cannot_hide_our_order(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    """By the Date alone our order would be a year older than the send: "nothing was
    done", and a resend would flip the position. This machine's clock is earlier."""
    fake.inject(Fault.drop_connection())
    result = harness.liquidate({**on_fake, "transport": DatedWrongly(fake)}, ACCOUNT, CONTRACT)
    assert (result.verified, result.order_id) == (True, fake.placed[0].order_id)
    assert len(fake.placed) == 1


@pytest.mark.parametrize("skew", [-3600.0, 3600.0])
def test_a_skewed_local_clock_cannot_hide_our_order(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, skew: float
) -> None:
    """The server's clock (its Date) is earlier when this machine's runs ahead."""
    fake.clock_offset = -skew
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert (result.verified, result.order_id) == (True, fake.placed[0].order_id)


def test_without_a_date_header_the_local_clock_stands_in(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    fake.date_header = False
    fake.inject(Fault.drop_connection())
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert (result.verified, result.order_id) == (True, fake.placed[0].order_id)


def test_the_fake_dates_its_answers_by_its_own_clock(
    fake: FakeTradovate, token: str, clock: ManualClock
) -> None:
    fake.clock_offset = -30.0
    with httpx.Client(transport=fake.transport(), base_url="http://fake/v1") as http:
        answer = http.get("/position/deps", params={"masterid": ACCOUNT})
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(answer.headers["date"]).timestamp() == int(clock.time() - 30)


# -- (c) a hard bound on verification's time and reads ---------------------------------------


class ReadsNeverAnswer(FakeTransport):
    """Reads hang until the client's timeout, which passes on the shared clock at once."""

    def __init__(self, fake: FakeTradovate, clock: ManualClock) -> None:
        super().__init__(fake)
        self.clock = clock
        self.waits: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            read = request.extensions["timeout"]["read"]
            self.waits.append(read)
            self.clock.advance(read)
            raise httpx.ReadTimeout("timed out", request=request)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return self.handle_request(request)
        return await super().handle_async_request(request)


def test_slow_reads_end_within_settle_timeout_and_one_deadline(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    transport = ReadsNeverAnswer(fake, clock)
    fake.inject(Fault.drop_connection())
    kwargs = {**on_fake, "transport": transport, "timeout": 30.0, "deadline": 15.0}
    kwargs["settle_timeout"] = 2.0
    started = clock.time()
    error = outcome(harness, kwargs, ACCOUNT, CONTRACT)
    assert type(error) is OutcomeUnknownError, repr(error)
    assert clock.time() - started <= 2.0 + 15.0, "settle_timeout plus one request deadline"
    assert transport.waits
    assert max(transport.waits) <= 2.0 + 15.0
    assert len(fake.placed) == 1


def test_tag_reads_are_capped_per_round_and_never_repeated(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    others = 3 * MAX_TAG_READS - 1
    for _ in range(others):
        fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Sell")
    fake.inject(Fault.drop_before_acting())
    error = outcome(harness, {**on_fake, "settle_timeout": 10.0}, ACCOUNT, CONTRACT)
    assert type(error) is NotLiquidatedError, repr(error)
    rounds = "|".join(paths(fake)[1:]).split("/position/deps")[1:]
    per_round = [piece.count("/command/deps") for piece in rounds]
    assert max(per_round) <= MAX_TAG_READS
    assert sum(per_round) == others, "each order's commands are read once"


def test_tags_not_read_in_time_leave_the_outcome_unknown(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate
) -> None:
    for _ in range(MAX_TAG_READS + 1):
        fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Sell")
    fake.inject(Fault.drop_before_acting())
    error = outcome(harness, {**on_fake, "settle_timeout": 0.0}, ACCOUNT, CONTRACT)
    assert type(error) is OutcomeUnknownError, repr(error)
    assert "could not be read in time" in error.message


# -- (d) the wait log, the state file, and the pending entries -----------------------------


def test_the_wait_log_says_what_verification_waits_for(
    harness: Harness,
    on_fake: dict[str, Any],
    fake: FakeTradovate,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="tradovate_liquidate")
    fake.inject(Fault.drop_before_acting())
    outcome(harness, {**on_fake, "settle_timeout": 1.0}, ACCOUNT, CONTRACT)
    assert "verifying: waiting 0.50 s before reading the server's records again" in caplog.text
    assert "before sending again" not in caplog.text


def write_state(path: Path, rows: Any) -> None:
    path.write_text(rows if isinstance(rows, str) else json.dumps(rows))


@pytest.mark.parametrize("since", [math.nan, math.inf, "yesterday", None])
def test_an_unreadable_since_refuses_its_target_alone(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, tmp_path: Path, since: Any
) -> None:
    path = tmp_path / "pending.json"
    write_state(path, [{"account_id": ACCOUNT, "contract_id": CONTRACT, "since": since}])
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT + 1, net_pos=1)
    kwargs = {**on_fake, "pending_file": path}
    error = outcome(harness, kwargs, ACCOUNT, CONTRACT)
    assert type(error) is OutcomeUnknownError, repr(error)
    assert str(path) in error.message
    assert "nothing was sent" in error.message
    assert fake.requests == []
    assert isinstance(harness.liquidate(kwargs, ACCOUNT, CONTRACT + 1), LiquidationResult)
    assert str(path) in outcome(harness, kwargs, ACCOUNT, CONTRACT).message, "still refused"


@pytest.mark.parametrize("text", ["{not json", '{"a": 1}', '[{"since": 1.0}]'])
def test_an_unreadable_state_file_refuses_every_target_and_is_kept(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "pending.json"
    write_state(path, text)
    error = outcome(harness, {**on_fake, "pending_file": path}, ACCOUNT, CONTRACT)
    assert type(error) is OutcomeUnknownError, repr(error)
    assert str(path) in error.message
    assert fake.requests == []
    assert path.read_text() == text, "someone's record is never written over"


def test_a_settled_entry_is_dropped_before_the_next_send(
    harness: Harness, on_fake: dict[str, Any], fake: FakeTradovate, clock: ManualClock
) -> None:
    def twice(client: Any) -> Any:
        def reopen() -> None:
            clock.advance(60.0)
            fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=3)

        async def run() -> Any:
            await client.liquidate_position(ACCOUNT, CONTRACT)
            reopen()
            await client.liquidate_position(ACCOUNT, CONTRACT)
            return client._pending.get((ACCOUNT, CONTRACT))

        if harness.kind == "async":
            return run()
        client.liquidate_position(ACCOUNT, CONTRACT)
        reopen()
        client.liquidate_position(ACCOUNT, CONTRACT)
        return client._pending.get((ACCOUNT, CONTRACT))

    entry = harness.run(on_fake, twice)
    assert entry.order_id == fake.placed[-1].order_id
    assert entry.since >= clock.time() - 2, "the entry is the new send's, not the first's"


def test_pending_entries_are_bounded(
    harness: Harness,
    on_fake: dict[str, Any],
    fake: FakeTradovate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_pending, "MAX_ANSWERED", 3)
    fake._book.fill_mode = "never"  # every target stays pending: its order is not filled
    for contract in range(1, 7):
        fake.add_position(account_id=ACCOUNT, contract_id=contract, net_pos=1)
    fake.inject(Fault.drop_before_acting())  # an unknown outcome: never dropped for room

    def many(client: Any) -> Any:
        async def run() -> Any:
            for contract in range(1, 7):
                with contextlib.suppress(NotLiquidatedError):
                    await client.liquidate_position(ACCOUNT, contract)
            return client._pending.keys()

        if harness.kind == "async":
            return run()
        for contract in range(1, 7):
            with contextlib.suppress(NotLiquidatedError):
                client.liquidate_position(ACCOUNT, contract)
        return client._pending.keys()

    keys = harness.run({**on_fake, "settle_timeout": 0.0}, many)
    assert keys == [(ACCOUNT, 1), (ACCOUNT, 4), (ACCOUNT, 5), (ACCOUNT, 6)]


def test_pending_memory_keeps_unknown_outcomes_over_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_pending, "MAX_ANSWERED", 2)
    pending = PendingTargets()
    for index in range(5):
        pending.add((1, index), float(index), None)  # unknown outcomes
        pending.add((2, index), float(index), 10 + index, answered=True)
    assert pending.keys() == [(1, i) for i in range(5)] + [(2, 3), (2, 4)]


def test_answered_entries_past_the_bound_go_oldest_first_down_to_three_quarters() -> None:
    """The search for them runs once per quarter of the bound, not on every call."""
    pending = _pending.PendingTargets()
    pending.add((0, 0), 0.0, None)  # an unknown outcome: never dropped for room
    for n in range(1, _pending.MAX_ANSWERED + 2):
        pending.add((n, n), float(n), n, answered=True)
    kept = pending.keys()
    assert len(kept) == 1 + (_pending.MAX_ANSWERED - _pending.MAX_ANSWERED // 4)
    assert kept[0] == (0, 0)
    assert (
        kept[1]
        == (_pending.MAX_ANSWERED + 2 - (_pending.MAX_ANSWERED - _pending.MAX_ANSWERED // 4),) * 2
    )
    assert kept[-1] == (_pending.MAX_ANSWERED + 1,) * 2

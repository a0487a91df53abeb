"""liquidate_accounts runs as one phase that grows (_arrivals.py): a job starts as soon as
what it needs is in, never waiting for the slowest job of an earlier step. Shown at the
fake on both clients, by holding one answer back until the request that must not wait
for it has arrived (or, where a request must wait, by holding one and watching).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tradovate_liquidate import AccountResult
from tradovate_liquidate._accounts import AccountsPlan
from tradovate_liquidate.testing import FakeTradovate

from .conftest import Harness

ES, NQ = 3570918, 3570919
ACCOUNTS = list(range(400_001, 400_201))  # two reads of 100 accounts
FIRST, SECOND = ACCOUNTS[:100], ACCOUNTS[100:]
READ_CHUNKS = 2
HOLD_LIMIT = 3.0  # a held answer is let go after this long, even without its trigger

Match = Callable[[httpx.Request], bool]


def path_is(ending: str) -> Match:
    return lambda request: request.url.path.endswith(ending)


def reads_account(account: int, ending: str) -> Match:
    """A read of `ending` whose query names `account` (masterids=...)."""
    return lambda request: path_is(ending)(request) and f"={account}" in str(request.url.query)


def is_liquidation(request: httpx.Request) -> bool:
    return request.url.path.endswith(("/liquidatepositions", "/liquidateposition"))


class Held(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, holding back the answer to the first request that matches
    `hold` until one that matches `until` has reached the fake (or HOLD_LIMIT passed).
    `let_go_by` is what let it go: "trigger" or "time"."""

    def __init__(
        self, fake: FakeTradovate, hold: Match, until: Match, limit: float = HOLD_LIMIT
    ) -> None:
        self.inner, self.hold, self.until, self.limit = fake.transport(), hold, until, limit
        self.held = False
        self.position_reads = 0
        self.triggered = threading.Event()
        self.let_go_by: str | None = None
        self.settle_reads_while_held = 0

    def settling(self, request: httpx.Request) -> bool:
        """A settling read: a positions read after the run's READ_CHUNKS first ones."""
        return path_is("/position/ldeps")(request) and self.position_reads > READ_CHUNKS

    def _arrived(self, request: httpx.Request) -> bool:
        """Whether to hold this request's answer; notes what reached the fake."""
        self.position_reads += path_is("/position/ldeps")(request)
        if self.settling(request) and self.held and self.let_go_by is None:
            self.settle_reads_while_held += 1
        if self.until(request):
            self.triggered.set()
        if not self.held and self.hold(request):
            self.held = True
            return True
        return False

    def _let_go(self, by: str) -> None:
        self.let_go_by = by

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hold = self._arrived(request)
        response = self.inner.handle_request(request)
        if hold:
            self._let_go("trigger" if self.triggered.wait(self.limit) else "time")
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        hold = self._arrived(request)
        response = await self.inner.handle_async_request(request)
        if hold:
            deadline = time.monotonic() + self.limit
            while not self.triggered.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            self._let_go("trigger" if self.triggered.is_set() else "time")
        return response


def seeded() -> FakeTradovate:
    fake = FakeTradovate()
    fake.add_positions([(a, ES, 2) for a in ACCOUNTS] + [(a, NQ, -1) for a in ACCOUNTS])
    return fake


def run(harness: Harness, fake: FakeTradovate, transport: Any, **options: Any) -> list[Any]:
    kwargs = {"token": fake.issue_token(), "transport": transport, "connect_backoff": 0}
    return harness.run(kwargs, lambda client: client.liquidate_accounts(ACCOUNTS, **options))


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_liquidations_start_while_a_later_read_is_still_unanswered(
    harness: Harness, method: str
) -> None:
    fake = seeded()
    held = Held(fake, reads_account(SECOND[0], "/position/ldeps"), is_liquidation)
    results = run(harness, fake, held, method=method)
    assert held.let_go_by == "trigger"  # a liquidation went out during the slow read
    assert all(r.flat for r in results)
    assert all(fake.position(a, c) == 0 for a in ACCOUNTS for c in (ES, NQ))


def test_settling_reads_start_while_a_later_bulk_request_is_unanswered(
    harness: Harness,
) -> None:
    fake = seeded()
    last = fake.position_id(SECOND[-1], NQ)  # in the run's last bulk request

    def hold(request: httpx.Request) -> bool:
        return path_is("/liquidatepositions")(request) and f"{last}" in request.content.decode()

    held = Held(fake, hold, lambda request: held.settling(request))
    results = run(harness, fake, held, method="bulk")
    assert held.let_go_by == "trigger"  # the first chunk was settled meanwhile
    assert all(r.flat for r in results)
    assert sum(r.path.endswith("/liquidatepositions") for r in fake.requests) == 4


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_no_settling_read_starts_before_every_read_is_in(harness: Harness, method: str) -> None:
    """A settling read may sleep on its worker between tries; until every read is in,
    a liquidation may still be made, and must not queue behind it."""
    fake = seeded()

    def never(request: httpx.Request) -> bool:
        return False

    held = Held(fake, reads_account(SECOND[0], "/order/ldeps"), never, limit=0.4)
    results = run(harness, fake, held, method=method)
    assert held.let_go_by == "time"
    assert held.settle_reads_while_held == 0
    assert all(r.flat for r in results)


def test_at_concurrency_one_reads_go_first_then_liquidations_then_settling(
    harness: Harness,
) -> None:
    fake = seeded()
    run(harness, fake, fake.transport(), method="bulk", concurrency=1)
    order = [r.path.removeprefix("/v1") for r in fake.requests]
    reads = [*["/position/ldeps"] * 2, "/account/list", *["/order/ldeps"] * 2]
    assert order == [*reads, *["/order/liquidatepositions"] * 4, *["/position/ldeps"] * 2]


def test_a_bug_while_growing_the_run_is_raised_and_nothing_more_is_sent(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the plan (here: taking a read's rows) surfaces as itself, at once, on
    both clients; the workers stop rather than wait forever for jobs that never come."""

    def broken(self: AccountsPlan, *args: Any) -> Any:
        raise RuntimeError("a bug in the plan")

    monkeypatch.setattr(AccountsPlan, "take_chunk", broken)
    fake = seeded()
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="a bug in the plan"):
        run(harness, fake, fake.transport(), method="bulk", concurrency=4)
    assert time.monotonic() - started < HOLD_LIMIT
    assert not any(is_liquidation_path(r.path) for r in fake.requests)


def is_liquidation_path(path: str) -> bool:
    return path.endswith(("/liquidatepositions", "/liquidateposition"))


def test_on_progress_reports_each_account_once_as_it_settles(harness: Harness) -> None:
    """At concurrency 1 the first settling read's accounts are reported before the
    second settling read is sent: not all at the run's end."""
    fake = seeded()
    reported: list[tuple[int, AccountResult, int]] = []
    lock = threading.Lock()

    def progress(index: int, result: AccountResult) -> None:
        with lock:
            reported.append((index, result, len(fake.requests)))

    options = {"method": "bulk", "on_progress": progress, "concurrency": 1}
    results = run(harness, fake, fake.transport(), **options)
    assert sorted(index for index, _, _ in reported) == list(range(len(ACCOUNTS)))
    assert all(results[index] is result for index, result, _ in reported)
    sent_by_then = sorted({requests for _, _, requests in reported})
    assert sent_by_then == [len(fake.requests) - 1, len(fake.requests)]


class FailingAccountList(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The fake's transport, answering GET /account/list with 500."""

    def __init__(self, fake: FakeTradovate) -> None:
        self.inner = fake.transport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if path_is("/account/list")(request):
            return httpx.Response(500, text="Internal Server Error")
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if path_is("/account/list")(request):
            return httpx.Response(500, text="Internal Server Error")
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("method", ["per-position", "bulk"])
def test_liquidations_do_not_wait_for_the_account_list(harness: Harness, method: str) -> None:
    """A positions read that returned rows for an account shows the token can see it:
    the account list is waited for only by accounts without a row, so its failure (or
    slowness) never holds up flattening what was read."""
    fake = seeded()
    unseen = 499_999  # no row at the fake: the list decides, and its read failed
    kwargs = {"token": fake.issue_token(), "transport": FailingAccountList(fake)}
    results = harness.run(
        {**kwargs, "connect_backoff": 0},
        lambda client: client.liquidate_accounts([*ACCOUNTS, unseen], method=method),
    )
    assert all(r.flat and r.error is None for r in results[:-1])
    assert all(fake.position(a, c) == 0 for a in ACCOUNTS for c in (ES, NQ))
    assert not results[-1].flat
    assert "/account/list" in str(results[-1].error)

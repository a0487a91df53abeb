"""keep_alive: one background renewal per client, stopped on close, never a tight loop."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

import tradovate_liquidate._client as sync_client
from tradovate_liquidate import (
    AsyncLiquidationClient,
    LiquidationClient,
    LiquidationResult,
    TokenManager,
)
from tradovate_liquidate._session import MIN_FLIGHT_GAP, Grant, Lead, Ready, Wait
from tradovate_liquidate._session_steps import expiry

from ..harness import Harness
from .test_session import ACCOUNT, CONTRACT, LIFETIME, Clock, credentials, make_fake, run_calls

pytestmark = pytest.mark.answer_only


def keep_alive_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tradovate-keep-alive" and t.is_alive()]


def test_concurrent_first_calls_start_one_keep_alive_and_close_stops_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[Any] = []

    class SlowBackground(sync_client.Background):
        def __init__(self, work: Any) -> None:
            time.sleep(0.05)  # widens the gap between "none yet" and "one started"
            super().__init__(work)
            started.append(self)

    monkeypatch.setattr(sync_client, "Background", SlowBackground)
    fake = make_fake()
    client = LiquidationClient(
        credentials=credentials(), transport=fake.transport(), keep_alive=True
    )
    barrier = threading.Barrier(8)

    def first_call() -> None:
        barrier.wait()
        client.warm_up()

    callers = [threading.Thread(target=first_call) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    client.close()
    assert len(started) == 1
    assert keep_alive_threads() == []
    client._start_keep_alive()  # what each call does first: not again after close
    assert len(started) == 1


def test_a_local_clock_ahead_of_the_server_by_more_than_a_lifetime_signs_in_once(
    harness: Harness,
) -> None:
    clock = Clock()
    fake = make_fake(clock)
    manager = TokenManager(credentials(), clock=lambda: clock.now + 2 * LIFETIME)
    kwargs = {"token": manager, "transport": fake.transport()}
    outcomes = run_calls(harness, kwargs, [lambda: None] * 3)
    assert all(isinstance(outcome, LiquidationResult) for outcome in outcomes), outcomes
    assert fake.auth.logins == 1
    assert manager.renewal_due_in() > 0  # keep_alive would not sign in again at once


def test_a_past_expiration_time_is_read_against_the_answers_date() -> None:
    date = "Sun, 06 Jan 2030 08:00:00 GMT"
    response = httpx.Response(200, headers={"date": date})
    sent = parsedate_to_datetime(date).timestamp()
    now = sent + 3 * LIFETIME  # this machine's clock runs three hours ahead
    assert expiry(sent + LIFETIME, response, "signing in", now) == now + LIFETIME
    assert expiry(sent + LIFETIME, httpx.Response(200), "signing in", now) > now
    assert expiry(now + 60, response, "signing in", now) == now + 60  # a plain answer


def test_keep_alive_waits_between_flights_even_for_a_token_that_is_already_due() -> None:
    clock = Clock()
    manager = TokenManager(credentials(), clock=clock)
    lead = manager.claim()
    assert isinstance(lead, Lead)
    manager.succeed(lead.flight, Grant("a" * 40, clock.now - 1))  # ended already
    assert manager.renewal_due_in() >= MIN_FLIGHT_GAP
    clock.now += MIN_FLIGHT_GAP
    assert manager.renewal_due_in() == 0


def test_a_call_does_not_wait_for_a_renewal_while_the_held_token_is_valid() -> None:
    clock = Clock()
    manager = TokenManager(credentials(), clock=clock)
    manager.adopt("a" * 40, clock.now + LIFETIME)
    clock.now += LIFETIME - 600  # renewal due
    renewal = manager.claim()
    assert isinstance(renewal, Lead)
    assert renewal.flight.kind == "renew"
    assert manager.claim() == Ready("a" * 40, 1)  # not Wait: the token is still good
    assert isinstance(manager.claim(refused=1), Wait)  # refused: it waits for the renewal
    clock.now += 600  # expired meanwhile: it waits too
    assert isinstance(manager.claim(), Wait)


def test_cancelling_a_call_in_the_middle_of_its_sign_in_keeps_the_sign_in() -> None:
    fake = make_fake()
    inner = fake.transport()
    entered, release = asyncio.Event(), asyncio.Event()

    class HeldSignIn(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            answer = await inner.handle_async_request(request)  # the server acts on it
            if request.url.path.endswith("accesstokenrequest"):
                entered.set()
                await release.wait()  # ... and its answer is still on the way
            return answer

    async def main() -> Any:
        kwargs = {"credentials": credentials(), "transport": HeldSignIn(), "verify_outcome": False}
        async with AsyncLiquidationClient(**kwargs) as client:
            first = asyncio.create_task(client.liquidate_position(ACCOUNT, CONTRACT))
            await entered.wait()
            first.cancel()  # the caller gives up while its sign-in is on the wire
            with contextlib.suppress(asyncio.CancelledError):
                await first
            release.set()
            return await client.liquidate_position(ACCOUNT, CONTRACT)

    assert isinstance(asyncio.run(main()), LiquidationResult)
    assert fake.auth.logins == 1  # the next call used the cancelled call's sign-in


def test_async_keep_alive_starts_again_when_the_loop_that_ran_it_ended() -> None:
    fake = make_fake()
    client = AsyncLiquidationClient(
        credentials=credentials(), transport=fake.transport(), keep_alive=True
    )

    def renewing_here() -> bool:
        task = None if client._background is None else client._background._task
        return task is not None and task.get_loop() is asyncio.get_running_loop()

    async def first() -> bool:
        await client.warm_up()
        return renewing_here()

    async def second() -> bool:
        await client.liquidate_position(ACCOUNT, CONTRACT)
        running = renewing_here() and not client._background._task.done()  # type: ignore[union-attr]
        await client.aclose()
        return running

    assert asyncio.run(first())  # then the loop ends, and its keep_alive task with it
    assert asyncio.run(second())

"""keep_alive: one background renewal per client, stopped on close, never a tight loop."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import tradovate_liquidate._client as sync_client
from tradovate_liquidate import LiquidationClient

from .test_session import credentials, make_fake

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

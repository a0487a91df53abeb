"""A clock moved by hand, shared by a client and the fake so waits cost no real time."""

from __future__ import annotations

import threading


class ManualClock:
    """Wall-clock seconds that only move when someone sleeps or calls `advance`.

        clock = ManualClock()
        fake = FakeTradovate(clock=clock.time, fill_delay=2.0)
        client = LiquidationClient(token, transport=fake.transport(), clock=clock)

    The client's settle and flat polling then run in no real time, and the fake's
    orders fill by the same clock, so a test of a 30 s wait takes microseconds.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.slept = 0.0  # every second a sleep() has skipped, for tests to read

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        with self._lock:
            self.slept += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)

    def __repr__(self) -> str:
        return f"<ManualClock {self._now:.3f}>"

"""A time penalty shared by every call on one client.

Tickets are tied to the caller's network: when one call is told to wait, every other call
from the same client would only earn more tickets (and, in the end, a captcha). So a
penalty closes the gate for all of them until it has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class PenaltyGate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._open_at = 0.0
        self._lock = threading.Lock()

    def close_for(self, seconds: float) -> None:
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + seconds)

    def remaining(self) -> float:
        """Seconds until requests may be sent again (0.0 when they may be sent now)."""
        return max(0.0, self._open_at - self._clock())

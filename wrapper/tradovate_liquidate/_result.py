"""What a successful liquidation returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LiquidationResult:
    """The server accepted the liquidation (failureReason Success).

    `order_id` is the order sent to close the position; None when the server sent none
    (the position was already flat: assumed, see the README). `raw` is the answer as the
    server sent it, for fields this client does not model.

    `verified` is True when the client read the server's records to decide (the answer
    alone was uncertain, or confirm=True); `flat` is the position as last read (True:
    0), None when nothing was read.
    """

    account_id: int
    contract_id: int
    order_id: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)
    verified: bool = False
    flat: bool | None = None

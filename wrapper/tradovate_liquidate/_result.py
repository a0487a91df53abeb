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
    """

    account_id: int
    contract_id: int
    order_id: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)

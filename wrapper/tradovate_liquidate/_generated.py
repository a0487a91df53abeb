"""The one place the wrapper reaches into the generated package `tradovate_api`.

`tradovate_api` sits beside this package: top-level when installed from the wheel, or
inside the caller's package when vendored (`theirapp._vendor.tradovate_api`). It is found
relative to this package's own name, so a vendored copy never imports a top-level
`tradovate_api` and no import needs rewriting.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradovate_api.api.order import liquidate_position as endpoint
    from tradovate_api.models import FailureReason, LiquidatePositionRequest
else:
    _parent = __name__.rsplit(".", 2)[0] if __name__.count(".") >= 2 else ""
    _api = f"{_parent}.tradovate_api" if _parent else "tradovate_api"
    endpoint = importlib.import_module(f"{_api}.api.order.liquidate_position")
    _models = importlib.import_module(f"{_api}.models")
    FailureReason = _models.FailureReason
    LiquidatePositionRequest = _models.LiquidatePositionRequest

#: Every failureReason the spec knows; the server may send others.
KNOWN_FAILURE_REASONS = frozenset(reason.value for reason in FailureReason)


def liquidation_request(
    fields: dict[str, Any], ticket: str | None
) -> tuple[str, str, dict[str, Any]]:
    """(method, path under the base URL, JSON body) for one liquidateposition request."""
    body = (
        LiquidatePositionRequest(**fields)
        if ticket is None
        else LiquidatePositionRequest(**fields, p_ticket=ticket)
    )
    kwargs = endpoint._get_kwargs(body=body)
    return kwargs["method"].upper(), kwargs["url"], kwargs["json"]

"""The one place the wrapper reaches into the generated package `tradovate_api`.

`tradovate_api` sits beside this package: top-level when installed from the wheel, or
inside the caller's package when vendored (`theirapp._vendor.tradovate_api`). It is found
relative to this package's own name, so a vendored copy never imports a top-level
`tradovate_api`, and no import needs rewriting. For the same reason there is no static
import of it here, not even for type checkers: a vendoring project's mypy would look for
a top-level `tradovate_api`. The seam's three lines are typed at their boundary instead,
and the tests cover them.
"""

from __future__ import annotations

import importlib
from typing import Any

_parent = __name__.rsplit(".", 2)[0] if __name__.count(".") >= 2 else ""
_API = f"{_parent}.tradovate_api" if _parent else "tradovate_api"
_endpoint: Any = importlib.import_module(f"{_API}.api.order.liquidate_position")
_models: Any = importlib.import_module(f"{_API}.models")

#: Every failureReason the spec knows; the server may send others.
KNOWN_FAILURE_REASONS: frozenset[str] = frozenset(reason.value for reason in _models.FailureReason)


def _method_and_path() -> tuple[str, str]:
    # Asked of the generated endpoint once: neither depends on the body.
    probe = _models.LiquidatePositionRequest(account_id=1, contract_id=1, admin=False)
    kwargs: dict[str, Any] = _endpoint._get_kwargs(body=probe)
    return str(kwargs["method"]).upper(), str(kwargs["url"])


METHOD, PATH = _method_and_path()


def liquidation_body(fields: dict[str, Any], ticket: str | None) -> dict[str, Any]:
    """The JSON body of one liquidateposition request, as the generated model writes it."""
    if ticket is not None:
        fields = {**fields, "p_ticket": ticket}
    body: dict[str, Any] = _models.LiquidatePositionRequest(**fields).to_dict()
    return body

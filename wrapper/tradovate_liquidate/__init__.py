"""tradovate_liquidate: flatten a Tradovate position safely, from a program.

    from tradovate_liquidate import LiquidationClient

    with LiquidationClient(token=..., environment="demo") as client:
        result = client.liquidate_position(account_id, contract_id)

    # or let the client sign in and stay signed in:
    with LiquidationClient(credentials=Credentials.from_env()) as client: ...

The error tree is drawn in tradovate_liquidate._exceptions. The fake server for tests
lives in tradovate_liquidate.testing, which this package never imports.
"""

from typing import TYPE_CHECKING, Any

from ._audit import AuditRecord
from ._batch import DEFAULT_CONCURRENCY, LiquidationTarget
from ._client import LiquidationClient
from ._config import (
    CLOCK_SKEW_ALLOWANCE,
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_DEADLINE,
    DEFAULT_FLAT_TIMEOUT,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_RENEW_BEFORE,
    DEFAULT_SETTLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    ENVIRONMENTS,
    TOKEN_ENV_VAR,
)
from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationRejected,
    NotFlatError,
    NotLiquidatedError,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    TradovateError,
    UnexpectedResponseError,
)
from ._reading import LIQUIDATION_ANSWER_LIMIT
from ._result import LiquidationResult
from ._version import __version__

if TYPE_CHECKING:
    from ._account import AccountResult
    from ._async_client import AsyncLiquidationClient
    from ._credentials import Credentials
    from ._models import Command, Fill, Order, Position, TradeDate
    from ._reasons import KNOWN_FAILURE_REASONS
    from ._session import TokenManager

# Loaded on first use (PEP 562): the async client pulls in asyncio, the failure reasons
# the generated models, sessions their own rules; a service that only imports this
# package and calls with a token pays for none of them.
_LAZY = {
    "AccountResult": "._account",
    "AsyncLiquidationClient": "._async_client",
    "Credentials": "._credentials",
    "TokenManager": "._session",
    "KNOWN_FAILURE_REASONS": "._reasons",
    **dict.fromkeys(["Command", "Fill", "Order", "Position", "TradeDate"], "._models"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CLOCK_SKEW_ALLOWANCE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_CONNECT_BACKOFF",
    "DEFAULT_CONNECT_RETRIES",
    "DEFAULT_DEADLINE",
    "DEFAULT_FLAT_TIMEOUT",
    "DEFAULT_MAX_PENALTY_WAIT",
    "DEFAULT_RENEW_BEFORE",
    "DEFAULT_SETTLE_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "ENVIRONMENTS",
    "KNOWN_FAILURE_REASONS",
    "LIQUIDATION_ANSWER_LIMIT",
    "TOKEN_ENV_VAR",
    "AccountResult",
    "AsyncLiquidationClient",
    "AuditRecord",
    "AuthenticationError",
    "Command",
    "ConnectionFailedError",
    "Credentials",
    "Fill",
    "LiquidationClient",
    "LiquidationRejected",
    "LiquidationResult",
    "LiquidationTarget",
    "NotFlatError",
    "NotLiquidatedError",
    "Order",
    "OutcomeUnknownError",
    "Position",
    "RateLimitError",
    "RequestRejected",
    "ServerError",
    "TokenManager",
    "TradeDate",
    "TradovateError",
    "UnexpectedResponseError",
    "__version__",
]

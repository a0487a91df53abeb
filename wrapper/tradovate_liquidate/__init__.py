"""tradovate_liquidate: flatten a Tradovate position safely, from a program.

    from tradovate_liquidate import LiquidationClient

    with LiquidationClient(token=..., environment="demo") as client:
        result = client.liquidate_position(account_id, contract_id)

The error tree is drawn in tradovate_liquidate._exceptions. The fake server for tests
lives in tradovate_liquidate.testing, which this package never imports.
"""

from ._async_client import AsyncLiquidationClient
from ._batch import DEFAULT_CONCURRENCY, LiquidationTarget
from ._client import LiquidationClient
from ._config import (
    DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES,
    DEFAULT_MAX_PENALTY_WAIT,
    DEFAULT_TIMEOUT,
    ENVIRONMENTS,
    TOKEN_ENV_VAR,
)
from ._exceptions import (
    AuthenticationError,
    ConnectionFailedError,
    LiquidationRejected,
    OutcomeUnknownError,
    RateLimitError,
    RequestRejected,
    ServerError,
    TradovateError,
    UnexpectedResponseError,
)
from ._generated import KNOWN_FAILURE_REASONS
from ._result import LiquidationResult

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_CONNECT_BACKOFF",
    "DEFAULT_CONNECT_RETRIES",
    "DEFAULT_MAX_PENALTY_WAIT",
    "DEFAULT_TIMEOUT",
    "ENVIRONMENTS",
    "KNOWN_FAILURE_REASONS",
    "TOKEN_ENV_VAR",
    "AsyncLiquidationClient",
    "AuthenticationError",
    "ConnectionFailedError",
    "LiquidationClient",
    "LiquidationRejected",
    "LiquidationResult",
    "LiquidationTarget",
    "OutcomeUnknownError",
    "RateLimitError",
    "RequestRejected",
    "ServerError",
    "TradovateError",
    "UnexpectedResponseError",
    "__version__",
]

"""Defaults as named constants, and the checks on a client's constructor arguments."""

from __future__ import annotations

import ipaddress
import os
import sys
from urllib.parse import urlsplit

import httpx

from ._version import __version__

ENVIRONMENTS = {
    "demo": "https://demo.tradovateapi.com/v1",
    "live": "https://live.tradovateapi.com/v1",
}
TOKEN_ENV_VAR = "TRADOVATE_ACCESS_TOKEN"  # noqa: S105 - a variable name, not a secret

#: Finite by default: an emergency call that hangs is worse than one that fails.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
#: The most one request may take from start to the end of its answer, whatever the
#: server trickles (httpx's timeouts bound each read, not the whole): past it the outcome
#: is unknown. It covers DEFAULT_TIMEOUT's connect and read together.
DEFAULT_DEADLINE = 15.0
#: Renew a token when less than this is left (the vendor asks for about 15 minutes).
DEFAULT_RENEW_BEFORE = 15 * 60.0
#: How long a client looks for the outcome of an uncertain liquidation, in seconds.
DEFAULT_SETTLE_TIMEOUT = 5.0
#: How long confirm=True waits for the position to read 0, in seconds.
DEFAULT_FLAT_TIMEOUT = 30.0
#: How far behind this machine's clock the server's may be: an order created up to this
#: many seconds before the send (by the server's clock) still counts as ours.
CLOCK_SKEW_ALLOWANCE = 1.0
#: Connection attempts after the first when no connection could be made at all.
DEFAULT_CONNECT_RETRIES = 2
#: First wait before reconnecting; doubles with each further try.
DEFAULT_CONNECT_BACKOFF = 0.25
#: The most a call waits in total on time-penalty tickets before raising RateLimitError.
DEFAULT_MAX_PENALTY_WAIT = 60.0
#: Penalty rounds per call, however short their waits: a server answering p-time 0 forever
#: must not keep a call busy forever.
MAX_PENALTY_ROUNDS = 5


def resolve_base_url(environment: str, base_url: str | None) -> str:
    """The URL requests go to: `base_url` when given, else the named environment's host."""
    if base_url is None:
        if environment not in ENVIRONMENTS:
            names = ", ".join(repr(name) for name in ENVIRONMENTS)
            raise ValueError(f"environment: must be one of {names}, not {environment!r}")
        return ENVIRONMENTS[environment]
    if not isinstance(base_url, str):
        raise TypeError(f"base_url: expected a str, not {type(base_url).__name__}")
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"base_url: expected an https:// URL with a host, not {base_url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"base_url: plain http:// is refused for {parts.hostname!r}: the token would cross "
            "the network unencrypted (only loopback hosts may use http://)"
        )
    return base_url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_from_environment(token: object) -> object:
    """`token`, or the TRADOVATE_ACCESS_TOKEN variable when token is None."""
    if token is not None:
        return token
    from_env = os.environ.get(TOKEN_ENV_VAR)
    if not from_env:
        raise ValueError(f"token: not given, and {TOKEN_ENV_VAR} is not set")
    return from_env


def check_token(token: object) -> str:
    """A token string fit for an Authorization header; the message never shows the token."""
    if not isinstance(token, str):
        raise TypeError(f"token: expected a str, not {type(token).__name__}")
    if not token or token != token.strip() or any(ord(c) < 0x21 or ord(c) > 0x7E for c in token):
        raise ValueError("token: must be non-empty printable ASCII without spaces")
    return token


def default_user_agent() -> str:
    """`tradovate-liquidate/<v> httpx/<v> python/<v>`: lets the vendor's support and your
    proxy logs tell which client, at which version, sent a request."""
    python = "{}.{}.{}".format(*sys.version_info[:3])
    return f"tradovate-liquidate/{__version__} httpx/{httpx.__version__} python/{python}"


def user_agent_headers(user_agent: object, http_client: object) -> dict[str, str]:
    """Headers for the httpx client a LiquidationClient makes itself.

    An injected `http_client` is the caller's, headers included: it is never altered, so
    its own User-Agent is sent and `user_agent` alongside it is refused as ambiguous.
    """
    if user_agent is None:
        return {"User-Agent": default_user_agent()}
    if http_client is not None:
        raise ValueError("user_agent, http_client: set the User-Agent on your http_client")
    if not isinstance(user_agent, str):
        raise TypeError(f"user_agent: expected a str, not {type(user_agent).__name__}")
    if not user_agent.strip() or any(ord(c) < 0x20 or ord(c) > 0x7E for c in user_agent):
        raise ValueError(f"user_agent: must be non-empty printable ASCII, not {user_agent!r}")
    return {"User-Agent": user_agent}


def check_timeout(timeout: object, name: str = "timeout") -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"{name}: expected seconds or an httpx.Timeout, not {type(timeout).__name__}"
        )
    if not 0 < timeout < float("inf"):
        raise ValueError(f"{name}: must be a finite number of seconds above 0, not {timeout!r}")
    return httpx.Timeout(float(timeout))


def check_non_negative(value: object, name: str, kind: type = float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (kind is int and not isinstance(value, int))
    ):
        expected = "a whole number" if kind is int else "a number"
        raise TypeError(f"{name}: expected {expected}, not {type(value).__name__}")
    if not 0 <= value < float("inf"):
        raise ValueError(f"{name}: must be 0 or more, not {value!r}")
    return value


def check_positive(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name}: expected a number, not {type(value).__name__}")
    if not 0 < value < float("inf"):
        raise ValueError(f"{name}: must be a finite number above 0, not {value!r}")
    return float(value)


def check_byte_limit(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an int, not {type(value).__name__}")
    if value < 1024:
        raise ValueError(f"{name}: must be at least 1024 bytes, not {value}")
    return value

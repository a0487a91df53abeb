"""Where a client's token comes from: a string, a callable, or a session (TokenManager).

_session.py is imported only when a session is in play: a client with a plain token
never loads it (a measured part of the package's cold import, see make bench).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._config import DEFAULT_RENEW_BEFORE, check_token
from ._exceptions import AuthenticationError

if TYPE_CHECKING:
    from ._session import TokenManager


def bad_token_source(exc: BaseException) -> AuthenticationError:
    # The exception's text is left out: a token source's message may quote the token.
    return AuthenticationError(f"token: the token callable raised {type(exc).__name__}")


def returned_token(token: object) -> str:
    """What a token callable returned, checked. Its answer is not an argument: a run half
    done must stop within the error tree (an authentication failure), its results kept.
    The message names no token."""
    try:
        return check_token(token)
    except (TypeError, ValueError) as exc:
        raise AuthenticationError(f"the token callable returned no usable token ({exc})") from None


def session_of(token: object, credentials: object, renew_before: object) -> TokenManager | None:
    """The client's TokenManager: its own for `credentials`, or the one given as `token`."""
    if credentials is not None:
        if token is not None:
            raise ValueError("token, credentials: give one or the other, not both")
        from ._credentials import Credentials
        from ._session import TokenManager

        if not isinstance(credentials, Credentials):
            kind = type(credentials).__name__
            raise TypeError(f"credentials: expected a Credentials, not {kind}")
        return TokenManager(credentials, renew_before=renew_before)  # type: ignore[arg-type]
    if renew_before != DEFAULT_RENEW_BEFORE:
        raise ValueError("renew_before: only with credentials= (a TokenManager has its own)")
    if token is None or isinstance(token, str):
        return None  # the usual case; _session.py is then never imported (make bench: cold)
    from ._session import TokenManager

    return token if isinstance(token, TokenManager) else None

"""Credentials: what a sign-in sends. The password and the API secret never show.

Neither secret appears in repr() or str(), and neither is kept on an error: a sign-in's
request body is never stored (see _answers.redact, which keeps no request body at all).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: The environment variables Credentials.from_env() reads, by argument.
CREDENTIAL_ENV_VARS = {
    "username": "TRADOVATE_USERNAME",
    "password": "TRADOVATE_PASSWORD",
    "app_id": "TRADOVATE_APP_ID",
    "app_version": "TRADOVATE_APP_VERSION",
    "cid": "TRADOVATE_CID",
    "sec": "TRADOVATE_SEC",
    "device_id": "TRADOVATE_DEVICE_ID",
}
_HIDDEN = "'***'"


class Credentials:
    """A Tradovate user's sign-in: name and password, and the API key's app id, cid, sec.

        Credentials(username="api-user", password=..., app_id="my-guard", app_version="1.0",
                    cid="1234", sec=...)

    `app_id`, `app_version`, `cid` and `sec` come from the vendor's API access settings
    (see the README's "Getting access"); `device_id` names this machine or deployment.
    `cid` may be given as an int; it is sent as the string the vendor's schema asks for.
    Immutable. repr() shows the user and the app, never the password or `sec`.
    """

    __slots__ = ("_password", "_sec", "app_id", "app_version", "cid", "device_id", "username")

    username: str
    _password: str
    _sec: str | None
    app_id: str | None
    app_version: str | None
    cid: str | None
    device_id: str | None

    def __init__(
        self,
        username: str,
        password: str,
        *,
        app_id: str | None = None,
        app_version: str | None = None,
        cid: str | int | None = None,
        sec: str | None = None,
        device_id: str | None = None,
    ) -> None:
        values = {
            "username": _text(username, "username"),
            "_password": _text(password, "password"),
            "app_id": _optional(app_id, "app_id"),
            "app_version": _optional(app_version, "app_version"),
            "cid": _cid(cid),
            "_sec": _optional(sec, "sec"),
            "device_id": _optional(device_id, "device_id"),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Credentials are immutable")

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("username", "app_id", "app_version", "cid", "device_id")
        )
        return f"Credentials({shown}, password={_HIDDEN}, sec={_HIDDEN})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        # Pickling would write the secrets wherever the pickle goes (a cache, a queue).
        raise TypeError("Credentials are not picklable: they hold a password")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Credentials from TRADOVATE_USERNAME, TRADOVATE_PASSWORD, TRADOVATE_APP_ID,
        TRADOVATE_APP_VERSION, TRADOVATE_CID, TRADOVATE_SEC and TRADOVATE_DEVICE_ID.

        The first two are required (ValueError naming the variable); an empty variable
        counts as unset.
        """
        env = os.environ if environ is None else environ
        values = {name: env.get(var) or None for name, var in CREDENTIAL_ENV_VARS.items()}
        for name in ("username", "password"):
            if values[name] is None:
                raise ValueError(f"{CREDENTIAL_ENV_VARS[name]} is not set")
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], where: str = "credentials") -> Credentials:
        """Credentials from a mapping with the constructor's argument names (a file's keys)."""
        unknown = sorted(set(values) - set(CREDENTIAL_ENV_VARS))
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
        for name in ("username", "password"):
            if values.get(name) is None:
                raise ValueError(f"{where}: {name} is missing")
        options = {k: v for k, v in values.items() if k not in ("username", "password")}
        return cls(values["username"], values["password"], **options)


def sign_in_body(credentials: Credentials, ticket: str | None = None) -> dict[str, Any]:
    """The AccessTokenRequest body (generated model), with the penalty ticket on a resend."""
    from tradovate_api.models import AccessTokenRequest
    from tradovate_api.types import UNSET

    def given(value: str | None) -> Any:
        return UNSET if value is None else value

    return AccessTokenRequest(
        name=credentials.username,
        password=credentials._password,
        app_id=given(credentials.app_id),
        app_version=given(credentials.app_version),
        device_id=given(credentials.device_id),
        cid=given(credentials.cid),
        sec=given(credentials._sec),
        p_ticket=given(ticket),
    ).to_dict()


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name}: must not be empty")
    return value


def _optional(value: object, name: str) -> str | None:
    return None if value is None else _text(value, name)


def _cid(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"cid: expected a str or an int, not {type(value).__name__}")
    return _optional(value, "cid")

"""Strict checking of a liquidateposition body, as spec/openapi.yaml describes it."""

from __future__ import annotations

import json
from typing import Any

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
TAG_MAX = 64
TICKET_MAX = 256

_REQUIRED = {"accountId": int, "contractId": int, "admin": bool}
_OPTIONAL = {"customTag50": str, "isAutomated": bool, "p-ticket": str}
_MAX_LENGTH = {"customTag50": TAG_MAX, "p-ticket": TICKET_MAX}


class BodyError(ValueError):
    """The body breaks the spec; the message is what the fake puts in errorText."""


def _reject_constant(name: str) -> None:
    raise BodyError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> dict[str, Any]:
    """The body as a dict, or BodyError naming the first thing wrong with it."""
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BodyError("the body must be a JSON object")
    for name in body.keys() - _REQUIRED.keys() - _OPTIONAL.keys():
        raise BodyError(f"{name}: unknown field")
    for name in _REQUIRED.keys() - body.keys():
        raise BodyError(f"{name}: required")
    for name, kind in (_REQUIRED | _OPTIONAL).items():
        if name in body:
            body[name] = _check(name, body[name], kind)
    return body


def _check(name: str, value: Any, kind: type) -> Any:
    """The value as the server would read it, or BodyError."""
    # JSON Schema counts 5.0 as an integer, and so do Jackson-style servers.
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    # bool is an int in Python but not in JSON: true is no account id.
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise BodyError(f"{name}: expected an integer")
    if kind is not int and not isinstance(value, kind):
        raise BodyError(f"{name}: expected a {'boolean' if kind is bool else 'string'}")
    if kind is int and not INT64_MIN <= value <= INT64_MAX:
        raise BodyError(f"{name}: out of the int64 range")
    if name in _MAX_LENGTH and len(value) > _MAX_LENGTH[name]:
        raise BodyError(f"{name}: longer than {_MAX_LENGTH[name]} characters")
    return value

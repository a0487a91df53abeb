"""Checks request bodies against the spec itself, not a hand copy of it.

`make generate` puts the spec, as JSON, beside the generated package
(tradovate_api/openapi.json). A field added to a request schema there is accepted here
with no edit; a limit changed there is enforced here. The checker covers the JSON Schema
keywords the spec's request schemas use: type, required, properties,
additionalProperties, maxLength, minimum, maximum, minItems, maxItems, enum, anyOf and $ref.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tradovate_api import models as _generated_models

_SPEC_FILE = Path(_generated_models.__file__).resolve().parent.parent / "openapi.json"


class BodyError(ValueError):
    """The body breaks the spec; the message is what the fake puts in errorText."""


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_SPEC_FILE.read_text(encoding="utf-8"))
    return loaded


def request_schema(path: str, method: str = "post") -> dict[str, Any]:
    """The JSON request body schema of an operation, its $ref resolved."""
    operation = spec()["paths"][path][method]
    return _resolve(operation["requestBody"]["content"]["application/json"]["schema"])


def _reject_constant(name: str) -> None:
    raise BodyError(f"{name} is not valid JSON")


def parse_body(raw: bytes, path: str = "/order/liquidateposition") -> dict[str, Any]:
    """The body as a dict, or BodyError naming the first thing wrong with it."""
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BodyError(f"the body is not JSON: {exc}") from None
    schema = request_schema(path)
    if not isinstance(body, dict):
        raise BodyError("the body must be a JSON object")
    properties: dict[str, Any] = schema.get("properties", {})
    if schema.get("additionalProperties") is False:
        for name in sorted(body.keys() - properties.keys()):
            raise BodyError(f"{name}: unknown field")
    for name in schema.get("required", []):
        if name not in body:
            raise BodyError(f"{name}: required")
    for name, field_schema in properties.items():
        if name in body:
            body[name] = check_value(name, body[name], field_schema)
    return body


def check_value(name: str, value: Any, schema: dict[str, Any]) -> Any:
    """The value as the server would read it, or BodyError."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return check_value(name, value, option)
            except BodyError as exc:
                errors.append(str(exc))
        raise BodyError(errors[0])
    kind = schema.get("type")
    # JSON Schema counts 5.0 as an integer, and so do Jackson-style servers.
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind is not None and not _is(kind, value):
        raise BodyError(f"{name}: expected {_ARTICLE[kind]}")
    if "enum" in schema and value not in schema["enum"]:
        raise BodyError(f"{name}: not one of the allowed values")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise BodyError(f"{name}: longer than {schema['maxLength']} characters")
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        out_of = "the int64 range" if schema.get("format") == "int64" else f"[{low}, {high}]"
        raise BodyError(f"{name}: out of {out_of}")
    if kind == "array":
        fewest, most = schema.get("minItems", 0), schema.get("maxItems", len(value))
        if not fewest <= len(value) <= most:
            raise BodyError(f"{name}: {len(value)} items, not {fewest} to {most}")
    if kind == "array" and "items" in schema:
        return [check_value(f"{name}[{i}]", item, schema["items"]) for i, item in enumerate(value)]
    return value


_ARTICLE = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


def _is(kind: str, value: Any) -> bool:
    # bool is an int in Python but not in JSON: true is no account id.
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    expected = {
        "integer": int,
        "number": int | float,
        "boolean": bool,
        "string": str,
        "array": list,
        "object": dict,
    }[kind]
    return isinstance(value, expected)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec()["components"]["schemas"][name]
    return schema

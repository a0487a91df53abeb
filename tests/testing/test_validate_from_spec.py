"""The fake checks request bodies against the spec's own request schema."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tradovate_liquidate.testing import _validate

BODY = b'{"accountId": 1, "contractId": 2, "admin": false, "brandNewField": "x"}'


@pytest.fixture
def grown_spec(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    grown = copy.deepcopy(_validate.spec())
    schema = grown["components"]["schemas"]["LiquidatePositionRequest"]
    schema["properties"]["brandNewField"] = {"type": "string", "maxLength": 3}
    monkeypatch.setattr(_validate, "spec", lambda: grown)
    return grown


def test_a_field_the_spec_does_not_have_is_refused() -> None:
    with pytest.raises(_validate.BodyError, match="brandNewField: unknown field"):
        _validate.parse_body(BODY)


def test_a_field_added_to_the_spec_is_accepted_and_checked(grown_spec: dict[str, Any]) -> None:
    assert _validate.parse_body(BODY)["brandNewField"] == "x"
    with pytest.raises(_validate.BodyError, match="brandNewField: longer than 3"):
        _validate.parse_body(BODY.replace(b'"x"', b'"xxxx"'))


def test_the_limits_come_from_the_spec() -> None:
    schema = _validate.request_schema("/order/liquidateposition")
    limit = schema["properties"]["customTag50"]["maxLength"]
    tag = "t" * (limit + 1)
    body = f'{{"accountId": 1, "contractId": 2, "admin": false, "customTag50": "{tag}"}}'
    with pytest.raises(_validate.BodyError, match=f"longer than {limit}"):
        _validate.parse_body(body.encode())

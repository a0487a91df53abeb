"""spec/openapi.yaml is valid, faithful to the vendor page, and its examples hold."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tradovate_api import models

ROOT = Path(__file__).resolve().parent.parent
# The vendor's page for liquidateposition, kept in the repository (copied from the seed).
SEED = ROOT / "spec" / "sources" / "liquidateposition.txt"
SPEC = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
OPERATION = SPEC["paths"]["/order/liquidateposition"]["post"]


def pointer_validator(pointer: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema at `pointer` inside the spec, with its $refs resolved."""
    resource = Resource.from_contents(SPEC, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:spec", resource)
    return jsonschema.Draft202012Validator(
        {"$ref": f"urn:spec#{pointer}"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def all_examples() -> list[tuple[str, str, Any]]:
    """(label, JSON pointer of the schema, example) for every example in the spec."""
    found: list[tuple[str, str, Any]] = []
    op_pointer = "/paths/" + escape("/order/liquidateposition") + "/post"
    for media, content in OPERATION["requestBody"]["content"].items():
        for name, example in content.get("examples", {}).items():
            schema = f"{op_pointer}/requestBody/content/{escape(media)}/schema"
            found.append((f"request {name}", schema, example["value"]))
    for status, response in OPERATION["responses"].items():
        for media, content in response.get("content", {}).items():
            for name, example in content.get("examples", {}).items():
                schema = f"{op_pointer}/responses/{status}/content/{escape(media)}/schema"
                found.append((f"{status} {name}", schema, example["value"]))
    for name, schema in SPEC["components"]["schemas"].items():
        for index, example in enumerate(schema.get("examples", [])):
            found.append((f"{name} #{index}", f"/components/schemas/{name}", example))
    return found


def test_spec_is_valid_openapi() -> None:
    validate(SPEC)


def test_spec_is_openapi_3_1() -> None:
    assert SPEC["openapi"].startswith("3.1")


def test_request_fields_match_the_vendor_page() -> None:
    body = SPEC["components"]["schemas"]["LiquidatePositionRequest"]
    assert body["required"] == ["accountId", "contractId", "admin"]
    assert body["additionalProperties"] is False
    props = body["properties"]
    assert {name: props[name]["type"] for name in props} == {
        "accountId": "integer",
        "contractId": "integer",
        "admin": "boolean",
        "customTag50": "string",
        "isAutomated": "boolean",
        "p-ticket": "string",
    }
    assert props["accountId"]["format"] == props["contractId"]["format"] == "int64"
    assert props["customTag50"]["maxLength"] == 64


def test_failure_reasons_are_the_seed_list_in_the_seed_order() -> None:
    text = SEED.read_text(encoding="utf-8")
    line = re.search(r"failureReasonenum\n(.+)\n", text)
    assert line is not None
    seed_reasons = [reason.strip() for reason in line.group(1).split(",")]
    assert len(seed_reasons) == len(set(seed_reasons)) > 1
    assert SPEC["components"]["schemas"]["FailureReason"]["enum"] == seed_reasons


def test_length_limits_match_the_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    tag_limit = re.search(r"customTag50stringOptional<=(\d+) characters", text)
    text_limit = re.search(r"failureTextstring<=(\d+) characters", text)
    assert tag_limit
    assert text_limit
    schemas = SPEC["components"]["schemas"]
    assert schemas["LiquidatePositionRequest"]["properties"]["customTag50"]["maxLength"] == int(
        tag_limit.group(1)
    )
    assert schemas["PlaceOrderResult"]["properties"]["failureText"]["maxLength"] == int(
        text_limit.group(1)
    )


def test_every_documented_answer_is_described() -> None:
    assert set(OPERATION["responses"]) == {"200", "400", "401", "404", "408", "423", "429", "500"}
    assert "content" not in OPERATION["responses"]["429"], "a 429 has an empty body"
    assert SHAPES == ["TimePenalty", "ErrorTextAnswer", "ViolationsAnswer", "PlaceOrderResult"]


def test_answer_schemas_accept_fields_they_do_not_know() -> None:
    for name in [*SHAPES, "Violation"]:
        assert "additionalProperties" not in SPEC["components"]["schemas"][name], name
        body = {**_first_example(name), "someFieldAddedLater": [1, {"x": None}]}
        assert pointer_validator(f"/components/schemas/{name}").is_valid(body), name


def test_place_order_result_requires_nothing_and_takes_any_failure_reason() -> None:
    schema = SPEC["components"]["schemas"]["PlaceOrderResult"]
    assert "required" not in schema
    validator = pointer_validator("/components/schemas/PlaceOrderResult")
    assert validator.is_valid({})
    assert validator.is_valid({"failureReason": "AReasonAddedNextYear", "orderId": 5})
    parsed = models.PlaceOrderResult.from_dict({"failureReason": "AReasonAddedNextYear"})
    assert parsed.failure_reason == "AReasonAddedNextYear"


def test_servers_and_security() -> None:
    urls = [server["url"] for server in SPEC["servers"]]
    assert urls == [
        "https://demo.tradovateapi.com/v1",
        "https://live.tradovateapi.com/v1",
        "https://demo-d.tradovateapi.com/v1",
    ]
    assert SPEC["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert SPEC["security"] == [{"bearerAuth": []}]


def test_every_answer_and_the_request_have_an_example() -> None:
    labels = {label.split()[0] for label, _, _ in all_examples()}
    assert {"request", "200", "400", "401", "500"} <= labels
    ok_examples = OPERATION["responses"]["200"]["content"]["application/json"]["examples"]
    matched = {_which_shape(example["value"]) for example in ok_examples.values()}
    assert matched == {"PlaceOrderResult", "TimePenalty", "ErrorTextAnswer", "ViolationsAnswer"}


@pytest.mark.parametrize(
    ("pointer", "example"),
    [pytest.param(pointer, example, id=label) for label, pointer, example in all_examples()],
)
def test_example_validates_against_its_own_schema(pointer: str, example: Any) -> None:
    pointer_validator(pointer).validate(example)


EXPECTED_SHAPE = {
    "accepted": "PlaceOrderResult",
    "rejected": "PlaceOrderResult",
    "timePenalty": "TimePenalty",
    "captchaPenalty": "TimePenalty",
    "errorText": "ErrorTextAnswer",
    "violations": "ViolationsAnswer",
}


def test_the_200_alternatives_are_ordered_so_the_first_match_is_the_right_one() -> None:
    """anyOf: open schemas overlap (a penalty is also a PlaceOrderResult), so order decides."""
    ok = OPERATION["responses"]["200"]["content"]["application/json"]["examples"]
    assert set(ok) == set(EXPECTED_SHAPE)
    for name, example in ok.items():
        assert _which_shape(example["value"]) == EXPECTED_SHAPE[name], name
    assert pointer_validator("/components/schemas/PlaceOrderResult").is_valid(
        ok["timePenalty"]["value"]
    )


def test_unknown_request_fields_are_refused_by_the_spec() -> None:
    validator = pointer_validator("/components/schemas/LiquidatePositionRequest")
    body = {"accountId": 1, "contractId": 2, "admin": False, "symbol": "ESZ6"}
    assert not validator.is_valid(body)
    assert not validator.is_valid({"accountId": 2**63, "contractId": 2, "admin": False})
    assert not validator.is_valid(
        {"accountId": 1, "contractId": 2, "admin": False, "customTag50": "x" * 65}
    )


@pytest.mark.parametrize(
    ("label", "example"),
    [
        pytest.param(label, example, id=label)
        for label, _, example in all_examples()
        if isinstance(example, dict)
    ],
)
def test_generated_models_round_trip_every_example(label: str, example: dict[str, Any]) -> None:
    if label.startswith("request"):
        name = "LiquidatePositionRequest"
    elif " #" in label:  # a component's own example
        name = label.split(" #")[0]
    else:
        name = _which_shape(example)
    model = getattr(models, name)
    assert _same_instants(model.from_dict(example).to_dict()) == _same_instants(example)


def _same_instants(value: Any) -> Any:
    """`value` with every date-time string as a datetime: "...Z" comes back as "+00:00"."""
    if isinstance(value, dict):
        return {key: _same_instants(item) for key, item in value.items()}
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)", value):
        return datetime.fromisoformat(value)
    return value


def _ok_schema() -> dict[str, Any]:
    schema: dict[str, Any] = OPERATION["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


SHAPES = [ref["$ref"].rsplit("/", 1)[1] for ref in _ok_schema()["anyOf"]]


def _first_example(name: str) -> dict[str, Any]:
    example: dict[str, Any] = SPEC["components"]["schemas"][name]["examples"][0]
    return example


def _which_shape(example: Any) -> str:
    """The first alternative of the 200 answer, in the spec's order, that `example` matches."""
    for name in SHAPES:
        if pointer_validator(f"/components/schemas/{name}").is_valid(example):
            return name
    raise AssertionError(f"{example!r} matches no 200 alternative")


def test_the_wrapper_checks_the_spec_limits() -> None:
    """The public boundary refuses what the spec refuses (its limits are not re-typed)."""
    from tradovate_liquidate._arguments import CUSTOM_TAG_MAX, INT64_MAX

    props = SPEC["components"]["schemas"]["LiquidatePositionRequest"]["properties"]
    assert props["customTag50"]["maxLength"] == CUSTOM_TAG_MAX
    assert props["accountId"]["maximum"] == INT64_MAX


READS = {
    "/position/deps": ("positionDependents", "Position", "Account entity ID"),
    "/position/ldeps": ("positionLDependents", "Position", None),
    "/order/deps": ("orderDependents", "Order", "Account entity ID"),
    "/order/item": ("orderItem", "Order", None),
    "/command/deps": ("commandDependents", "Command", "Order entity ID"),
    "/fill/deps": ("fillDependents", "Fill", "Order entity ID"),
}
VENDOR_REQUIRED = {
    "Position": [
        "accountId", "contractId", "timestamp", "tradeDate", "netPos",
        "bought", "boughtValue", "sold", "soldValue", "prevPos",
    ],
    "Order": ["accountId", "timestamp", "action", "ordStatus", "admin"],
    "Command": ["orderId", "timestamp", "commandType", "commandStatus"],
    "Fill": [
        "orderId", "contractId", "timestamp", "tradeDate", "action",
        "qty", "price", "active", "finallyPaired",
    ],
    "TradeDate": ["year", "month", "day"],
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(READS))
def test_reads_are_the_vendors_get_endpoints(path: str) -> None:
    operation_id, model, master = READS[path]
    operation = SPEC["paths"][path]["get"]
    assert operation["operationId"] == operation_id
    assert {"200", "400", "401", "429", "500"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema.get("items", schema)["$ref"].endswith("/" + model)
    if master is not None:
        parameter = operation["parameters"][0]["$ref"].rsplit("/", 1)[1]
        assert SPEC["components"]["parameters"][parameter]["description"] == master


def test_read_schemas_keep_the_vendors_required_lists_and_stay_open() -> None:
    schemas = SPEC["components"]["schemas"]
    for name, required in VENDOR_REQUIRED.items():
        assert schemas[name]["required"] == required, name
        assert "additionalProperties" not in schemas[name], name
        body = {**_first_example(name), "someFieldAddedLater": 1}
        assert pointer_validator(f"/components/schemas/{name}").is_valid(body), name


@pytest.mark.parametrize(
    ("model", "field", "enum", "known"),
    [
        ("Order", "ordStatus", "OrderOrdStatus", "Working"),
        ("Order", "action", "OrderAction", "Sell"),
        ("Command", "commandType", "CommandCommandType", "New"),
        ("Command", "commandStatus", "CommandCommandStatus", "RiskPassed"),
        ("Fill", "action", "FillAction", "Buy"),
    ],
)
def test_read_enums_are_the_vendors_and_take_new_values(
    model: str, field: str, enum: str, known: str
) -> None:
    assert known in SPEC["components"]["schemas"][enum]["enum"]
    validator = pointer_validator(f"/components/schemas/{model}")
    assert validator.is_valid({**_first_example(model), field: "AValueAddedNextYear"})
    parsed = getattr(models, model).from_dict(
        {**_first_example(model), field: "AValueAddedNextYear"}
    )
    assert "AValueAddedNextYear" in parsed.to_dict().values()


def test_the_array_query_format_is_written_down_as_an_assumption() -> None:
    (parameter,) = SPEC["paths"]["/position/ldeps"]["get"]["parameters"]
    assert (parameter["style"], parameter["explode"]) == ("form", True)
    assert "ASSUMPTION" in parameter["description"]
    assert "masterids=1&masterids=2" in parameter["description"]

"""schemathesis checks spec/openapi.yaml against the fake served over loopback.

All four phases run with the checks and seed of schemathesis.toml (which names the checks
left out and why). The fake must answer everything the spec allows, and only that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tradovate_liquidate.testing import FakeTradovate
from tradovate_liquidate.testing._book import add_demo_book

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "contract-test-token"


@pytest.fixture(scope="module")
def fake() -> FakeTradovate:
    fake = FakeTradovate(open_book=True)
    fake.accept_token(TOKEN)
    add_demo_book(fake)  # closed, locked and session-closed answers too
    return fake


@pytest.fixture(scope="module")
def contract_schema(fake: FakeTradovate) -> Iterator[OpenApiSchema]:
    with pytest.MonkeyPatch.context() as patch, fake.serve() as server:
        patch.setenv("TRADOVATE_ACCESS_TOKEN", TOKEN)
        patch.chdir(ROOT)  # schemathesis.toml is found from the working directory
        schema = schemathesis.openapi.from_path(ROOT / "spec" / "openapi.yaml")
        schema.config.update(base_url=server.base_url)
        yield schema


def assert_no_position_closed_twice(fake: FakeTradovate) -> None:
    closed = Counter((order.account_id, order.contract_id) for order in fake.placed)
    assert closed, "no liquidation reached the fake: the run proved nothing"
    assert max(closed.values()) == 1, closed


schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_examples_coverage_and_fuzzing(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_stateful(contract_schema: OpenApiSchema, fake: FakeTradovate) -> None:
    before = len(fake.requests)
    contract_schema.as_state_machine().run()
    assert len(fake.requests) > before
    # Each demo position was opened once, so the LiquidateSamePositionAgain link must never
    # produce a second closing order.
    assert_no_position_closed_twice(fake)


def test_every_read_operation_was_exercised(fake: FakeTradovate) -> None:
    """Runs after the two above (same module fake): the reads were covered, and answered."""
    answered = {r.path for r in fake.requests if r.method == "GET" and r.status == 200}
    refused = {r.path for r in fake.requests if r.method == "GET" and r.status == 400}
    reads = {
        "/v1/position/deps",
        "/v1/position/ldeps",
        "/v1/order/deps",
        "/v1/order/item",
        "/v1/command/deps",
        "/v1/fill/deps",
        "/v1/account/item",
        "/v1/account/list",
        "/v1/contract/items",
    }
    assert reads - {"/v1/order/item", "/v1/account/item"} <= answered
    assert reads <= refused | answered


def test_every_action_operation_was_exercised(fake: FakeTradovate) -> None:
    """The whole-account actions (issue 16) were answered as well as refused."""
    answered = {r.path for r in fake.requests if r.method == "POST" and r.status == 200}
    refused = {r.path for r in fake.requests if r.method == "POST" and r.status == 400}
    actions = {"/v1/order/liquidatepositions", "/v1/order/cancelorder"}
    assert actions <= answered
    assert actions <= refused

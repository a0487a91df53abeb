"""What a call returns, and how failure reasons become LiquidationRejected."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate import LiquidationRejected, LiquidationResult, UnexpectedResponseError
from tradovate_liquidate.testing import FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT, Harness

# What an answer alone means: these clients do not verify (see tests/conftest.py).
pytestmark = pytest.mark.answer_only


def test_success_returns_the_closing_order(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert isinstance(result, LiquidationResult)
    assert result.order_id == fake.placed[0].order_id
    assert (result.account_id, result.contract_id) == (ACCOUNT, CONTRACT)
    assert result.raw == {"failureReason": "Success", "orderId": result.order_id}
    assert fake.position(ACCOUNT, CONTRACT) == 0


def test_the_result_is_immutable(harness: Harness, on_fake: dict[str, Any]) -> None:
    result = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    with pytest.raises(AttributeError):
        result.order_id = 1  # type: ignore[misc]


def test_the_body_sent_is_the_specs(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    harness.liquidate(on_fake, ACCOUNT, CONTRACT, custom_tag="guard-7")
    assert fake.requests[0].json() == {
        "accountId": ACCOUNT,
        "contractId": CONTRACT,
        "admin": False,
        "isAutomated": True,
        "customTag50": "guard-7",
    }
    harness.liquidate(on_fake, ACCOUNT, CONTRACT, admin=True, is_automated=False)
    assert fake.requests[1].json() == {
        "accountId": ACCOUNT,
        "contractId": CONTRACT,
        "admin": True,
        "isAutomated": False,
    }


def test_an_already_flat_position_succeeds_without_an_order(
    harness: Harness, on_fake: dict[str, Any]
) -> None:
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    again = harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert again.order_id is None


@pytest.mark.parametrize(
    ("answer", "order_id"),
    [({"orderId": 77}, 77), ({"failureReason": "Success", "orderId": 78, "extra": 1}, 78)],
    ids=["reason-absent-with-order-id", "unmodelled-field"],
)
def test_answers_without_a_reason_but_with_an_order_are_success(
    harness: Harness, answer: dict[str, Any], order_id: int
) -> None:
    import httpx

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    result = harness.liquidate({"token": "t", "transport": transport}, ACCOUNT, CONTRACT)
    assert result.order_id == order_id
    assert result.raw == answer


@pytest.mark.parametrize(
    ("status", "reason"),
    [("closed", "AccountClosed"), ("locked", "TradingLocked")],
)
def test_refusals_raise_liquidation_rejected_with_reason_and_text(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], status: Any, reason: str
) -> None:
    fake.set_account_status(ACCOUNT, status)
    with pytest.raises(LiquidationRejected) as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.reason == reason
    assert caught.value.text
    assert caught.value.text in str(caught.value)
    assert caught.value.order_id is None
    assert caught.value.status_code == 200
    assert (caught.value.account_id, caught.value.contract_id) == (ACCOUNT, CONTRACT)


def test_an_unknown_reason_keeps_the_order_id_and_the_raw_reason(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.inject(Fault.unknown_reason("VendorAddedThisLater"))
    with pytest.raises(LiquidationRejected) as caught:
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caught.value.reason == "VendorAddedThisLater"
    assert caught.value.order_id == fake.placed[0].order_id
    assert str(caught.value.order_id) in str(caught.value), "the message must name the order"
    assert caught.value.raw["failureReason"] == "VendorAddedThisLater"
    assert len(fake.requests) == 1


def test_an_answer_with_neither_reason_nor_order_is_unexpected(harness: Harness) -> None:
    import httpx

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with pytest.raises(UnexpectedResponseError, match="Check positions"):
        harness.liquidate({"token": "t", "transport": transport}, ACCOUNT, CONTRACT)

"""The fake's business answers: one closing order per liquidation, the right failureReason."""

from __future__ import annotations

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate

from .conftest import ACCOUNT, CONTRACT, body

PATH = "/order/liquidateposition"


def test_liquidation_cancels_working_orders_sends_one_closing_order_and_flattens(
    fake: FakeTradovate, http: httpx.Client
) -> None:
    first = fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT, side="Sell", qty=3)
    second = fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT)
    other = fake.add_working_order(account_id=ACCOUNT, contract_id=999)

    answer = http.post(PATH, json=body(customTag50="guard", isAutomated=True))

    assert answer.status_code == 200
    placed = fake.placed
    assert answer.json() == {"failureReason": "Success", "orderId": placed[0].order_id}
    assert [(o.action, o.order_id) for o in fake.orders] == [
        ("cancel", first),
        ("cancel", second),
        ("place", placed[0].order_id),
    ]
    assert (placed[0].side, placed[0].qty) == ("Sell", 3)
    assert (placed[0].custom_tag, placed[0].is_automated, placed[0].admin) == ("guard", True, False)
    assert fake.position(ACCOUNT, CONTRACT) == 0
    assert fake.working_orders(ACCOUNT, CONTRACT) == []
    assert fake.working_orders(ACCOUNT, 999) == [other]


def test_a_short_position_is_closed_with_a_buy(fake: FakeTradovate, http: httpx.Client) -> None:
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=-2)
    http.post(PATH, json=body())
    assert [(o.side, o.qty) for o in fake.placed] == [("Buy", 2)]


def test_a_flat_position_answers_success_without_an_order(
    fake: FakeTradovate, http: httpx.Client
) -> None:
    assert "orderId" in http.post(PATH, json=body()).json()
    again = http.post(PATH, json=body())
    assert again.json() == {"failureReason": "Success"}
    assert len(fake.placed) == 1


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda f: f.set_account_status(ACCOUNT, "closed"), "AccountClosed"),
        (lambda f: f.set_account_status(ACCOUNT, "locked"), "TradingLocked"),
        (lambda f: f.add_contract(CONTRACT, session_open=False), "SessionClosed"),
    ],
)
def test_refusals_name_the_reason_and_change_nothing(
    fake: FakeTradovate, http: httpx.Client, setup: object, reason: str
) -> None:
    working = fake.add_working_order(account_id=ACCOUNT, contract_id=CONTRACT)
    setup(fake)  # type: ignore[operator]
    answer = http.post(PATH, json=body()).json()
    assert answer["failureReason"] == reason
    assert answer["failureText"]
    assert fake.orders == []
    assert fake.working_orders(ACCOUNT, CONTRACT) == [working]
    assert fake.position(ACCOUNT, CONTRACT) == 3


def test_unknown_contract_and_account(fake: FakeTradovate, http: httpx.Client) -> None:
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"
    assert http.post(PATH, json=body(accountId=1)).json()["failureReason"] == "Unauthorized"
    assert fake.orders == []


def test_open_book_holds_one_lot_everywhere_once() -> None:
    fake = FakeTradovate(open_book=True)
    token = fake.issue_token()
    with httpx.Client(
        transport=fake.transport(), headers={"Authorization": f"Bearer {token}"}
    ) as http:
        url = "https://demo.tradovateapi.com/v1/order/liquidateposition"
        assert "orderId" in http.post(url, json=body(accountId=5, contractId=6)).json()
        assert "orderId" not in http.post(url, json=body(accountId=5, contractId=6)).json()
    assert [(o.account_id, o.contract_id, o.qty) for o in fake.placed] == [(5, 6, 1)]


@pytest.mark.parametrize(
    ("headers", "expires_in"),
    [
        ({}, None),
        ({"Authorization": "Bearer not-a-token"}, None),
        (None, -1.0),
        ({"Authorization": "Basic x"}, None),
    ],
    ids=["missing", "unknown", "expired", "not-bearer"],
)
def test_bad_tokens_get_401_and_nothing_happens(
    fake: FakeTradovate, headers: dict[str, str] | None, expires_in: float | None
) -> None:
    if headers is None:
        headers = {"Authorization": f"Bearer {fake.issue_token(expires_in=expires_in or 0)}"}
    with httpx.Client(transport=fake.transport(), base_url="https://x/v1") as http:
        answer = http.post(PATH, json=body(), headers=headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/plain")
    assert fake.orders == []


def test_expire_token(fake: FakeTradovate, token: str, http: httpx.Client) -> None:
    fake.expire_token(token)
    assert http.post(PATH, json=body()).status_code == 401


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"accountId": 1, "contractId": 2}', "admin: required"),
        (b'{"accountId": "1", "contractId": 2, "admin": false}', "accountId: expected an integer"),
        (b'{"accountId": true, "contractId": 2, "admin": false}', "accountId: expected an integer"),
        (b'{"accountId": 1.5, "contractId": 2, "admin": false}', "accountId: expected an integer"),
        (
            b'{"accountId": 9223372036854775808, "contractId": 2, "admin": false}',
            "accountId: out of the int64 range",
        ),
        (b'{"accountId": 1, "contractId": 2, "admin": 0}', "admin: expected a boolean"),
        (
            b'{"accountId": 1, "contractId": 2, "admin": false, "symbol": "ES"}',
            "symbol: unknown field",
        ),
        (
            b'{"accountId": 1, "contractId": 2, "admin": false, "customTag50": "'
            + b"x" * 65
            + b'"}',
            "customTag50: longer than 64",
        ),
        (b'{"accountId": NaN, "contractId": 2, "admin": false}', "NaN is not valid JSON"),
    ],
)
def test_malformed_bodies_get_400_with_an_error_text(
    fake: FakeTradovate, http: httpx.Client, raw: bytes, message: str
) -> None:
    answer = http.post(PATH, content=raw, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert message in answer.json()["errorText"]
    assert answer.json()["ok"] is False
    assert fake.orders == []


def test_integral_numbers_written_with_a_fraction_are_integers(
    fake: FakeTradovate, http: httpx.Client
) -> None:
    raw = f'{{"accountId": {ACCOUNT}.0, "contractId": {CONTRACT}, "admin": false}}'.encode()
    assert http.post(PATH, content=raw).json()["failureReason"] == "Success"


def test_a_64_character_tag_is_accepted(http: httpx.Client) -> None:
    assert http.post(PATH, json=body(customTag50="x" * 64)).status_code == 200


def test_other_paths_and_methods(http: httpx.Client) -> None:
    assert http.post("/order/placeorder", json=body()).status_code == 404
    answer = http.get(PATH)
    assert answer.status_code == 405


def test_the_request_log_keeps_bodies_but_never_tokens(
    fake: FakeTradovate, token: str, http: httpx.Client
) -> None:
    http.post(PATH, json=body())
    (received,) = fake.requests
    assert received.json() == body()
    assert (received.status, received.answer) == (200, "result")
    assert token not in repr(received)
    assert token not in repr(fake)

"""The fake's whole-account endpoints: accounts, symbols, bulk liquidation, cancel, seeding."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate, Fault

SEEDED = "123:3570918:2,123:3570919:-1,124:3570918:0"


@pytest.fixture
def seeded(fake: FakeTradovate) -> FakeTradovate:
    fake.add_positions(SEEDED)
    fake.add_contract(3570918, symbol="ESZ6")
    return fake


def test_positions_are_seeded_from_text_and_from_triples(seeded: FakeTradovate) -> None:
    assert seeded.position(123, 3570918) == 2
    assert seeded.position(123, 3570919) == -1
    seeded.add_positions([(125, 3570920, 4)])
    assert seeded.position(125, 3570920) == 4
    with pytest.raises(ValueError, match="ACCOUNT:CONTRACT:NETPOS"):
        seeded.add_positions("123:ES:2")


def test_ldeps_answers_the_positions_of_every_listed_account(
    seeded: FakeTradovate, http: httpx.Client
) -> None:
    rows = http.get("/position/ldeps", params={"masterids": [123, 124]}).json()
    assert sorted((r["accountId"], r["contractId"], r["netPos"]) for r in rows) == [
        (123, 3570918, 2),
        (123, 3570919, -1),
        (124, 3570918, 0),
    ]


def test_account_item_answers_visible_accounts_and_404_for_others(
    seeded: FakeTradovate, http: httpx.Client
) -> None:
    seeded.set_account_status(124, "closed")
    assert http.get("/account/item", params={"id": 123}).json()["closed"] is False
    assert http.get("/account/item", params={"id": 124}).json()["closed"] is True
    assert http.get("/account/item", params={"id": 999}).status_code == 404
    assert http.get("/account/item", params={"id": "x"}).status_code == 400
    listed = {row["id"] for row in http.get("/account/list").json()}
    assert {123, 124} <= listed


def test_contract_items_answers_symbols(seeded: FakeTradovate, http: httpx.Client) -> None:
    rows = http.get("/contract/items", params={"ids": [3570918, 3570919, 42]}).json()
    assert {row["id"]: row["name"] for row in rows} == {3570918: "ESZ6", 3570919: "C3570919"}


def test_liquidatepositions_flattens_every_listed_position(
    seeded: FakeTradovate, http: httpx.Client
) -> None:
    ids = [seeded.position_id(123, 3570918), seeded.position_id(123, 3570919)]
    answer = http.post("/order/liquidatepositions", json={"positions": ids, "admin": False})
    assert answer.json() == {"ok": True}
    assert (seeded.position(123, 3570918), seeded.position(123, 3570919)) == (0, 0)
    assert [(o.contract_id, o.side, o.qty) for o in seeded.placed] == [
        (3570918, "Sell", 2),
        (3570919, "Buy", 1),
    ]


def test_liquidatepositions_can_fail_part_way(seeded: FakeTradovate, http: httpx.Client) -> None:
    """The first positions are acted on, then an errorText: why the client reads back."""
    first = seeded.position_id(123, 3570918)
    answer = http.post("/order/liquidatepositions", json={"positions": [first, 77], "admin": False})
    assert answer.json() == {"ok": False, "errorText": "Position 77 not found"}
    assert seeded.position(123, 3570918) == 0
    assert seeded.position(123, 3570919) == -1


def test_liquidatepositions_refuses_more_than_100_ids(http: httpx.Client) -> None:
    answer = http.post(
        "/order/liquidatepositions", json={"positions": list(range(1, 102)), "admin": False}
    )
    assert answer.status_code == 400
    assert "101 items" in answer.json()["errorText"]


def test_liquidatepositions_takes_faults(seeded: FakeTradovate, http: httpx.Client) -> None:
    seeded.inject(Fault.error_text("Access is denied"))
    ids = [seeded.position_id(123, 3570918)]
    answer = http.post("/order/liquidatepositions", json={"positions": ids, "admin": False})
    assert answer.json()["errorText"] == "Access is denied"
    assert seeded.position(123, 3570918) == 2


def test_cancelorder_cancels_a_working_order_once(
    seeded: FakeTradovate, http: httpx.Client
) -> None:
    order = seeded.add_working_order(account_id=123, contract_id=3570920)
    first = http.post("/order/cancelorder", json={"orderId": order, "isAutomated": True}).json()
    assert first["failureReason"] == "Success"
    assert isinstance(first["commandId"], int)
    assert seeded.working_orders(123, 3570920) == []
    again = http.post("/order/cancelorder", json={"orderId": order}).json()
    assert again["failureReason"] == "TooLate"
    unknown = http.post("/order/cancelorder", json={"orderId": 5}).json()
    assert unknown["failureReason"] != "Success"


def test_the_command_line_seeds_positions() -> None:
    code = (
        "from tradovate_liquidate.testing.__main__ import build_parser;"
        f"print(build_parser().parse_args(['--positions', '{SEEDED}']).positions)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == SEEDED


def test_the_served_fake_holds_the_command_line_positions() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradovate_liquidate.testing",
            "--token",
            "t",
            "--positions",
            SEEDED,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        headers = {"Authorization": "Bearer t"}
        rows = httpx.get(f"{base_url}/position/deps?masterid=123", headers=headers).json()
        assert sorted((r["contractId"], r["netPos"]) for r in rows) == [
            (3570918, 2),
            (3570919, -1),
        ]
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()

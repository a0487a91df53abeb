"""The fake's orders live as the vendor's do: PendingNew -> Working -> Filled (or not)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate, Fault, ManualClock

from .conftest import ACCOUNT, CONTRACT, body


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def book(clock: ManualClock, **options: Any) -> FakeTradovate:
    fake = FakeTradovate(clock=clock.time, **options)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=3)
    return fake


@pytest.fixture
def slow(clock: ManualClock) -> FakeTradovate:
    return book(clock, accept_delay=0.5, fill_delay=2.0)


def client(fake: FakeTradovate) -> httpx.Client:
    headers = {"Authorization": f"Bearer {fake.issue_token()}"}
    return httpx.Client(transport=fake.transport(), base_url="https://x/v1", headers=headers)


@pytest.fixture
def http(slow: FakeTradovate) -> Iterator[httpx.Client]:
    with client(slow) as http:
        yield http


def orders(http: httpx.Client) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = http.get("/order/deps", params={"masterid": ACCOUNT}).json()
    return answer


def test_a_closing_order_goes_pending_new_working_filled_by_the_clock(
    slow: FakeTradovate, http: httpx.Client, clock: ManualClock
) -> None:
    order_id = http.post("/order/liquidateposition", json=body()).json()["orderId"]
    assert [o["ordStatus"] for o in orders(http)] == ["PendingNew"]
    assert slow.position(ACCOUNT, CONTRACT) == 3, "nothing moves before the fill"
    clock.advance(0.5)
    assert http.get("/order/item", params={"id": order_id}).json()["ordStatus"] == "Working"
    clock.advance(1.5)
    assert http.get("/order/item", params={"id": order_id}).json()["ordStatus"] == "Filled"
    (position,) = http.get("/position/deps", params={"masterid": ACCOUNT}).json()
    assert (position["netPos"], position["prevPos"], position["sold"]) == (0, 3, 3)
    (fill,) = http.get("/fill/deps", params={"masterid": order_id}).json()
    assert (fill["action"], fill["qty"], fill["orderId"]) == ("Sell", 3, order_id)


def test_never_fill_mode_leaves_the_order_working(clock: ManualClock) -> None:
    fake = book(clock, fill_mode="never")
    with client(fake) as http:
        order_id = http.post("/order/liquidateposition", json=body()).json()["orderId"]
        clock.advance(3600)
        assert fake.order_status(order_id) == "Working"
        assert fake.position(ACCOUNT, CONTRACT) == 3
        assert http.get("/fill/deps", params={"masterid": order_id}).json() == []


def test_reject_mode_has_the_exchange_reject_after_accepting(clock: ManualClock) -> None:
    fake = book(clock, accept_delay=0.1, fill_delay=1.0, fill_mode="reject")
    with client(fake) as http:
        answer = http.post("/order/liquidateposition", json=body()).json()
        assert answer["failureReason"] == "Success", "accepted first"
        clock.advance(0.2)
        assert fake.order_status(answer["orderId"]) == "Working"
        clock.advance(1.0)
        assert fake.order_status(answer["orderId"]) == "Rejected"
        assert fake.position(ACCOUNT, CONTRACT) == 3
        (command,) = http.get("/command/deps", params={"masterid": answer["orderId"]}).json()
        assert command["commandStatus"] == "ExecutionRejected"


def test_commands_carry_the_callers_tag(http: httpx.Client) -> None:
    answer = http.post("/order/liquidateposition", json=body(customTag50="desk-7")).json()
    (command,) = http.get("/command/deps", params={"masterid": answer["orderId"]}).json()
    assert (command["customTag50"], command["commandType"]) == ("desk-7", "New")
    assert "isAutomated" not in command, "not sent, not invented"


def test_an_order_on_its_way_cannot_be_cancelled_so_a_blind_resend_flips(
    slow: FakeTradovate, http: httpx.Client, clock: ManualClock
) -> None:
    """The danger the client exists to avoid, shown on the fake itself."""
    http.post("/order/liquidateposition", json=body())
    http.post("/order/liquidateposition", json=body())  # still PendingNew: not cancelled
    clock.advance(5)
    assert slow.position(ACCOUNT, CONTRACT) == -3


def test_a_second_liquidation_cancels_a_working_closing_order(
    slow: FakeTradovate, http: httpx.Client, clock: ManualClock
) -> None:
    first = http.post("/order/liquidateposition", json=body()).json()["orderId"]
    clock.advance(1)
    http.post("/order/liquidateposition", json=body())
    clock.advance(5)
    assert slow.order_status(first) == "Canceled"
    assert slow.position(ACCOUNT, CONTRACT) == 0


def test_drop_before_acting_does_nothing(slow: FakeTradovate, http: httpx.Client) -> None:
    slow.inject(Fault.drop_before_acting())
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/order/liquidateposition", json=body())
    assert slow.placed == []
    assert orders(http) == []


def test_late_action_places_the_order_only_after_the_client_gave_up(
    slow: FakeTradovate, clock: ManualClock
) -> None:
    slow.inject(Fault.late_action(3.0))
    with client(slow) as http:
        with pytest.raises(httpx.ReadTimeout):
            http.post("/order/liquidateposition", json=body(), timeout=0.01)
        assert orders(http) == []
        clock.advance(3.0)
        (order,) = orders(http)
        assert order["action"] == "Sell"
    assert len(slow.placed) == 1


def test_read_errors_hit_reads_only(slow: FakeTradovate, http: httpx.Client) -> None:
    slow.inject(Fault.read_error(500), times=2)
    assert http.post("/order/liquidateposition", json=body()).status_code == 200
    assert http.get("/order/deps", params={"masterid": ACCOUNT}).status_code == 500
    assert http.get("/position/deps", params={"masterid": ACCOUNT}).status_code == 500
    assert http.get("/position/deps", params={"masterid": ACCOUNT}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "masterid=",
        "masterid=1.5",
        "masterid=%2B1",
        "masterid=1_0",
        "masterid=9223372036854775808",
    ],
)
def test_a_bad_query_is_refused(http: httpx.Client, query: str) -> None:
    answer = http.get("/order/deps?" + query)
    assert answer.status_code == 400
    assert answer.json()["ok"] is False


def test_arrays_travel_as_repeated_names(http: httpx.Client, slow: FakeTradovate) -> None:
    slow.add_position(account_id=ACCOUNT + 1, contract_id=CONTRACT, net_pos=-1)
    rows = http.get(f"/position/ldeps?masterids={ACCOUNT}&masterids={ACCOUNT + 1}").json()
    assert sorted((row["accountId"], row["netPos"]) for row in rows) == [
        (ACCOUNT, 3),
        (ACCOUNT + 1, -1),
    ]


def test_reads_need_a_token_and_get(slow: FakeTradovate) -> None:
    with httpx.Client(transport=slow.transport(), base_url="https://x/v1") as http:
        assert http.get("/order/deps", params={"masterid": ACCOUNT}).status_code == 401
        answer = http.post("/order/deps", params={"masterid": ACCOUNT})
        assert (answer.status_code, answer.headers.get("allow")) == (405, None)


def test_the_fake_records_a_flip_and_two_closing_orders_in_flight(
    slow: FakeTradovate, http: httpx.Client, clock: ManualClock
) -> None:
    """What the state-machine test watches: it must be able to see the danger."""
    assert slow.crossed_zero == set()
    http.post("/order/liquidateposition", json=body())
    http.post("/order/liquidateposition", json=body())
    clock.advance(5)
    assert slow.crossed_zero == {(ACCOUNT, CONTRACT)}
    assert slow.peak_closing_orders == {(ACCOUNT, CONTRACT): 2}

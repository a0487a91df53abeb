"""Time-penalty tickets, captcha and 429 lockouts, driven by a hand-moved clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate, RateLimit

from .conftest import ACCOUNT, CONTRACT, body

PATH = "/order/liquidateposition"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(clock: Clock) -> FakeTradovate:
    fake = FakeTradovate(
        rate_limit=RateLimit(budget=2, penalty_seconds=5, captcha_after=3), clock=clock
    )
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=1)
    return fake


@pytest.fixture
def http(limited: FakeTradovate) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {limited.issue_token()}"}
    with httpx.Client(
        transport=limited.transport(), base_url="https://x/v1", headers=headers
    ) as client:
        yield client


def test_past_the_budget_requests_get_one_shared_ticket_and_are_not_processed(
    limited: FakeTradovate, http: httpx.Client, clock: Clock
) -> None:
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"
    penalty = http.post(PATH, json=body()).json()
    assert penalty.keys() == {"p-ticket", "p-time"}
    assert penalty["p-time"] == 5
    clock.now += 2
    second = http.post(PATH, json=body(accountId=7)).json()
    assert second == {"p-ticket": penalty["p-ticket"], "p-time": 3}
    assert limited.tickets_issued == 1
    assert limited.orders == []


def test_resend_with_the_ticket_after_p_time_is_served_once_waited(
    limited: FakeTradovate, http: httpx.Client, clock: Clock
) -> None:
    limited.impose_penalty(5)
    ticket = http.post(PATH, json=body()).json()["p-ticket"]
    clock.now += 5
    served = http.post(PATH, json=body(**{"p-ticket": ticket})).json()
    assert served["failureReason"] == "Success"
    assert len(limited.placed) == 1


def test_a_ticket_resent_early_is_abuse_and_abuse_ends_in_captcha(
    limited: FakeTradovate, http: httpx.Client, clock: Clock
) -> None:
    limited.impose_penalty(5)
    ticket = http.post(PATH, json=body()).json()["p-ticket"]  # abuse 1
    early = http.post(PATH, json=body(**{"p-ticket": ticket})).json()  # abuse 2
    assert "p-captcha" not in early
    captcha = http.post(PATH, json=body()).json()  # abuse 3 = captcha_after
    assert captcha["p-captcha"] is True
    clock.now += 3600
    still = http.post(PATH, json=body(**{"p-ticket": ticket})).json()
    assert still["p-captcha"] is True, "a captcha penalty is not a program's to redeem"
    limited.lift_penalty()
    assert http.post(PATH, json=body()).json()["failureReason"] == "Success"


def test_after_a_penalty_the_budget_starts_afresh(
    limited: FakeTradovate, http: httpx.Client, clock: Clock
) -> None:
    for _ in range(2):
        http.post(PATH, json=body(contractId=1))
    ticket = http.post(PATH, json=body()).json()["p-ticket"]
    clock.now += 5
    assert http.post(PATH, json=body(**{"p-ticket": ticket})).json()["failureReason"] == "Success"
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"
    assert "p-ticket" in http.post(PATH, json=body(contractId=1)).json()
    assert limited.tickets_issued == 2


def test_budget_is_per_window(limited: FakeTradovate, http: httpx.Client, clock: Clock) -> None:
    for _ in range(2):
        http.post(PATH, json=body(contractId=1))
    clock.now += 3600
    assert http.post(PATH, json=body(contractId=1)).json()["failureReason"] == "InvalidContract"


def test_a_captcha_penalty_can_be_imposed(limited: FakeTradovate, http: httpx.Client) -> None:
    limited.impose_penalty(60, captcha=True)
    assert http.post(PATH, json=body()).json()["p-captcha"] is True


def test_lockout_answers_429_empty_and_every_request_extends_it(
    limited: FakeTradovate, http: httpx.Client, clock: Clock
) -> None:
    limited.lock_out(10)
    clock.now += 9
    answer = http.post(PATH, json=body())
    assert answer.status_code == 429
    assert answer.content == b""
    clock.now += 9  # 18 s after the start, but only 9 after the last request
    assert http.post(PATH, json=body()).status_code == 429
    clock.now += 10
    assert http.post(PATH, json=body()).status_code == 200
    assert len(limited.placed) == 1


def test_impossible_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="impossible rate limit"):
        RateLimit(budget=-1)

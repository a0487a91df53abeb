"""The fake's sign-in: users, token lifetime, renewal, the 2-session limit, counts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate.testing import FakeAuth, FakeTradovate

from .conftest import body

BASE = "https://demo.tradovateapi.com/v1"
LOGIN = {"name": "api-user", "password": "pw", "sec": "s3c"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def fake_with_user(**auth: Any) -> tuple[FakeTradovate, httpx.Client, Clock]:
    clock = Clock()
    fake = FakeTradovate(clock=clock, auth=FakeAuth(**auth))
    fake.auth.add_user("api-user", "pw", sec="s3c")
    fake.add_position(account_id=100_001, contract_id=3_570_918, net_pos=3)
    return fake, httpx.Client(transport=fake.transport(), base_url=BASE), clock


def sign_in(http: httpx.Client, **overrides: Any) -> dict[str, Any]:
    answer = http.post("/auth/accesstokenrequest", json={**LOGIN, **overrides})
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def liquidate(http: httpx.Client, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return http.post("/order/liquidateposition", json=body(), headers=headers)


def test_a_sign_in_answers_a_token_with_its_expiration_time() -> None:
    fake, http, clock = fake_with_user(token_lifetime=600)
    answer = sign_in(http)
    assert answer["userStatus"] == "Active"
    assert answer["expirationTime"] == "2027-01-15T08:10:00.000+00:00"
    assert liquidate(http, answer["accessToken"]).status_code == 200
    clock.now += 600
    assert liquidate(http, answer["accessToken"]).status_code == 401
    assert fake.auth.logins == 1


@pytest.mark.parametrize(
    "overrides", [{"password": "nope"}, {"sec": "wrong"}, {"name": "someone-else"}]
)
def test_wrong_credentials_answer_200_with_error_text(overrides: dict[str, str]) -> None:
    fake, http, _ = fake_with_user()
    answer = sign_in(http, **overrides)
    assert answer == {"errorText": "Incorrect username or password. Please try again."}
    assert fake.auth.logins == 1


@pytest.mark.parametrize(
    "payload", [{"name": "api-user"}, {**LOGIN, "extra": 1}, {**LOGIN, "cid": 7}, [1]]
)
def test_a_malformed_sign_in_is_a_400(payload: Any) -> None:
    _, http, _ = fake_with_user()
    answer = http.post("/auth/accesstokenrequest", json=payload)
    assert answer.status_code == 400
    assert answer.json()["ok"] is False


def test_renewal_extends_the_session_with_a_new_token() -> None:
    fake, http, clock = fake_with_user(token_lifetime=600)
    old = sign_in(http)["accessToken"]
    clock.now += 500
    renewed = http.get("/auth/renewaccesstoken", headers={"Authorization": f"Bearer {old}"})
    assert renewed.status_code == 200
    new = renewed.json()["accessToken"]
    assert new != old
    clock.now += 200  # the old token has ended, the renewed one has not
    assert liquidate(http, old).status_code == 401
    assert liquidate(http, new).status_code == 200
    assert (fake.auth.logins, fake.auth.renewals) == (1, 1)
    assert http.get("/auth/renewaccesstoken").status_code == 401
    assert http.post("/auth/renewaccesstoken").status_code == 405


@pytest.mark.parametrize("status", [408, 429, 500])
def test_a_third_sign_in_closes_the_oldest_session(status: int) -> None:
    fake, http, _ = fake_with_user(displaced_status=status)
    first, second, third = (sign_in(http)["accessToken"] for _ in range(3))
    assert liquidate(http, first).status_code == status
    assert liquidate(http, second).status_code == 200
    assert liquidate(http, third).status_code == 200
    renew = http.get("/auth/renewaccesstoken", headers={"Authorization": f"Bearer {first}"})
    assert renew.status_code == status
    assert fake.requests[3].answer == "session_closed"


def test_a_sign_in_can_get_a_penalty_ticket_or_a_captcha() -> None:
    fake, http, clock = fake_with_user()
    fake.impose_penalty(5)
    penalty = sign_in(http)
    assert penalty["p-time"] == 5
    assert "accessToken" not in penalty
    clock.now += 5
    assert "accessToken" in sign_in(http, **{"p-ticket": penalty["p-ticket"]})
    fake.impose_penalty(60, captcha=True)
    assert sign_in(http)["p-captcha"] is True
    assert fake.auth.logins == 3


def test_the_request_log_keeps_no_password_or_sec() -> None:
    fake, http, _ = fake_with_user()
    sign_in(http)
    logged = fake.requests[0].json()
    assert logged["password"] == logged["sec"] == "[redacted]"
    assert "pw" not in repr(fake.auth.users)


@pytest.mark.parametrize("path", ["/auth/accesstokenrequests", "/order/liquidateposition"])
def test_a_sign_in_body_sent_to_a_wrong_path_is_logged_without_its_secrets(path: str) -> None:
    fake, http, _ = fake_with_user()
    http.post(path, json=LOGIN)
    logged = fake.requests[0]
    assert logged.json()["password"] == logged.json()["sec"] == "[redacted]"
    assert b"s3c" not in logged.body
    assert "s3c" not in repr(logged)


def test_impossible_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="displaced_status"):
        FakeAuth(displaced_status=404)

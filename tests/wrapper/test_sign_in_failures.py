"""Sign-in failures and the clients' arguments for a session (issue 15, point 4)."""

from __future__ import annotations

import pytest

from tradovate_liquidate import AuthenticationError, LiquidationResult, RateLimitError
from tradovate_liquidate.testing import Fault

from ..harness import Harness
from .test_session import ACCOUNT, CONTRACT, USER, credentials, make_fake

# -- point 4: sign-in failures -----------------------------------------------------------


def test_a_time_penalty_on_sign_in_is_waited_out_and_resent_with_the_ticket(
    harness: Harness,
) -> None:
    fake = make_fake()
    fake.impose_penalty(1)  # the shortest wait the fake's whole seconds allow
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    assert isinstance(harness.liquidate(kwargs, ACCOUNT, CONTRACT), LiquidationResult)
    logins = [r for r in fake.requests if r.path.endswith("accesstokenrequest")]
    assert [r.answer for r in logins] == ["penalty", "login"]
    assert "p-ticket" not in logins[0].json()
    assert isinstance(logins[1].json()["p-ticket"], str)
    assert logins[1].json()["p-ticket"]


def test_a_captcha_on_sign_in_says_a_person_must_sign_in_in_a_browser(harness: Harness) -> None:
    fake = make_fake()
    fake.impose_penalty(30, captcha=True)
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    with pytest.raises(RateLimitError) as caught:
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    assert caught.value.captcha is True
    assert "sign in once in a browser" in caught.value.message
    assert fake.auth.logins == 1


def test_a_429_on_sign_in_is_a_rate_limit_error_and_nothing_is_resent(harness: Harness) -> None:
    fake = make_fake()
    fake.lock_out()
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    with pytest.raises(RateLimitError):
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    assert fake.auth.logins == 1
    assert len(fake.requests) == 1


def test_a_sign_in_that_fails_on_the_server_says_nothing_else_was_sent(harness: Harness) -> None:
    fake = make_fake()
    fake.inject(Fault.server_error())
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    with pytest.raises(AuthenticationError, match=r"signing in failed \(500\); nothing else"):
        harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    assert fake.placed == []


# -- construction ----------------------------------------------------------------------


def test_credentials_and_token_are_one_or_the_other(harness: Harness) -> None:
    with pytest.raises(ValueError, match="token, credentials: give one or the other"):
        harness.client_class(token="abc", credentials=credentials())
    with pytest.raises(TypeError, match="credentials: expected a Credentials"):
        harness.client_class(credentials={"username": USER})
    with pytest.raises(ValueError, match="keep_alive: needs credentials"):
        harness.client_class(token="abc", keep_alive=True)
    with pytest.raises(ValueError, match="renew_before: only with credentials"):
        harness.client_class(token="abc", renew_before=60)

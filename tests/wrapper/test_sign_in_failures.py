"""Sign-in failures and the clients' arguments for a session (issue 15, point 4)."""

from __future__ import annotations

import pytest

from tradovate_liquidate import (
    AuthenticationError,
    LiquidationResult,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
    TokenManager,
)
from tradovate_liquidate._session import Lead
from tradovate_liquidate.testing import Fault
from tradovate_liquidate.testing._faults import FaultKind

from ..harness import Harness
from .test_session import (
    ACCOUNT,
    CONTRACT,
    USER,
    Clock,
    credentials,
    make_fake,
    run_calls,
)

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


@pytest.mark.parametrize("fault", [Fault.server_error(), Fault.drop_connection()])
def test_a_sign_in_with_an_unknown_outcome_is_held_and_says_a_session_may_be_open(
    harness: Harness, fault: Fault
) -> None:
    fake = make_fake()
    fake.inject(fault)
    kwargs = {"credentials": credentials(), "transport": fake.transport()}
    outcomes = run_calls(harness, kwargs, [lambda: None] * 3)
    # One sign-in, not one per call: each may have opened a session and closed another.
    assert len([r for r in fake.requests if r.path.endswith("accesstokenrequest")]) == 1
    assert fake.placed == []
    for outcome in outcomes:
        assert isinstance(outcome, OutcomeUnknownError)
        assert "may have opened a session" in outcome.message
        assert "nothing else was sent" not in outcome.message
    assert isinstance(outcomes[0], ServerError) == (fault.kind is FaultKind.SERVER_ERROR)


def test_sign_in_failures_in_a_row_are_held_ever_longer() -> None:
    clock = Clock()
    manager = TokenManager(credentials(), clock=clock)
    holds = []
    lead = manager.claim()
    for _ in range(4):
        assert isinstance(lead, Lead)
        start = clock.now
        manager.fail(lead.flight, AuthenticationError("wrong password"), hold=True)
        while True:
            try:
                lead = manager.claim()  # the next sign-in, once the hold is over
            except AuthenticationError:
                clock.now += 1
                continue
            break
        holds.append(clock.now - start)
    assert holds == [60, 120, 240, 480]


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

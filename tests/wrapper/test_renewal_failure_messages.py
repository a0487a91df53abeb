"""A renewal that fails after a 401: the request's own error keeps its 401, account and
contract whatever the token source did, and quotes the renewal's whole reason (a ';'
inside it included), without what a failed sign-in says it did not send."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tradovate_liquidate import AuthenticationError, Credentials
from tradovate_liquidate.testing import FakeAuth, FakeTradovate, ManualClock

from .transports import RefusedFromLiquidation

ES = 3570918
USER, PASSWORD, SEC = "api-user", "correct horse", "api-secret"


@pytest.mark.parametrize("bad", [None, "", "tok en", 42])
def test_junk_renewal_after_a_401_liquidation_keeps_account_contract_and_401(
    harness: Any, bad: object
) -> None:
    """The liquidation POST is answered 401 (not processed) and the callable then returns
    junk. Before 2b586e6 this ended as renewal_failed's "401: ... nothing was done" with
    the account and contract; now returned_token's AuthenticationError is returned as is:
    no account_id/contract_id/status_code/response (README: "Every error carries ...") and
    no word that nothing was done, unlike the same 401 with a sign-in that fails."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time)
    token = fake.issue_token()
    fake.add_positions(f"1:{ES}:2")
    transport = RefusedFromLiquidation(fake, sign_in=None)

    def source() -> object:
        return bad if transport.refusing else token

    kwargs = {"token": source, "transport": transport, "clock": clock, "connect_backoff": 0}
    with pytest.raises(AuthenticationError) as caught:
        harness.liquidate(kwargs, 1, ES)
    assert fake.placed == []
    error = caught.value
    assert (error.account_id, error.contract_id) == (1, ES), error.message
    assert error.status_code == 401, error.message
    assert "nothing was done" in error.message, error.message


@pytest.mark.parametrize(
    "body", ["bad field; expected a number", "name: required; password: required"]
)
def test_first_clause_cut_keeps_a_sign_in_reason_with_a_semicolon(harness: Any, body: str) -> None:
    """The renewal's sign-in is answered 400 whose text holds ';' (errorText, or several
    violations, which _describe joins with "; "). renewal_failed splits at the first ';'
    anywhere, so the cut lands inside sign_in_error's parentheses: the reason is
    truncated and the parentheses left unbalanced."""
    clock = ManualClock()
    fake = FakeTradovate(clock=clock.time, auth=FakeAuth())
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_positions(f"1:{ES}:2")
    creds = Credentials(USER, PASSWORD, app_id="guard", app_version="1.0", cid=7, sec=SEC)

    def sign_in(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text=body, request=request)

    transport = RefusedFromLiquidation(fake, sign_in=sign_in)
    kwargs = {"credentials": creds, "transport": transport, "clock": clock, "connect_backoff": 0}
    with pytest.raises(AuthenticationError) as caught:
        harness.liquidate(kwargs, 1, ES)
    message = caught.value.message
    assert body in message, message
    assert message.count("(") == message.count(")"), message

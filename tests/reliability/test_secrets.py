"""A canary token is run through every path; it must never come out anywhere."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import traceback
from typing import Any

import httpx
import pytest

import tradovate_liquidate
from tradovate_liquidate import TradovateError
from tradovate_liquidate.testing import FakeServer, FakeTradovate, Fault

from ..harness import Harness

CANARY = "CANARY-7f3a9c1e-do-not-print"
ACCOUNT, CONTRACT = 100_001, 3_570_918

PROVOCATIONS = {
    "success": lambda f: None,
    "401": lambda f: f.expire_token(CANARY),
    "429": lambda f: f.lock_out(),
    "500": lambda f: f.inject(Fault.server_error()),
    "520": lambda f: f.inject(Fault.html_error()),
    "dropped": lambda f: f.inject(Fault.drop_connection()),
    "timeout": lambda f: f.inject(Fault.delay(1.0)),
    "malformed": lambda f: f.inject(Fault.malformed_json()),
    "unknown reason": lambda f: f.inject(Fault.unknown_reason()),
    "errorText": lambda f: f.inject(Fault.error_text()),
    "violations": lambda f: f.inject(Fault.violations()),
    "captcha": lambda f: f.impose_penalty(30, captcha=True),
    "penalty then served": lambda f: f.impose_penalty(1),
    "rejected": lambda f: f.set_account_status(ACCOUNT, "locked"),
}


@pytest.fixture
def fake() -> FakeTradovate:
    fake = FakeTradovate()
    fake.accept_token(CANARY)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=1)
    return fake


def everything_about(value: Any, seen: set[int] | None = None) -> str:
    """Every text a caller could print, log or reach about a value: an error's chain
    (__cause__, __context__), its attributes, and the requests and responses they hold."""
    seen = set() if seen is None else seen
    if value is None or id(value) in seen:
        return ""
    seen.add(id(value))
    parts = [str(value), repr(value)]
    linked: list[Any] = []
    if isinstance(value, BaseException):
        parts.append("".join(traceback.format_exception(value)))
        parts.append(repr(vars(value)))
        linked += [value.__cause__, value.__context__, *vars(value).values()]
        with contextlib.suppress(RuntimeError, AttributeError):
            linked.append(value.request)  # an httpx error's request (the sign-in's body)
    if isinstance(value, httpx.Request):
        parts.append(repr(value.headers))
        with contextlib.suppress(httpx.RequestNotRead):
            parts.append(value.content.decode("utf-8", "replace"))
    if isinstance(value, httpx.Response):
        parts.append(repr(value.headers))
        with contextlib.suppress(httpx.ResponseNotRead):
            parts.append(value.text)
        linked.append(value.request)
    return "\n".join([*parts, *(everything_about(item, seen) for item in linked)])


@pytest.mark.parametrize("provocation", list(PROVOCATIONS))
def test_no_path_lets_the_token_out(
    harness: Harness,
    fake: FakeTradovate,
    server: FakeServer,
    provocation: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level: ours, httpx, httpcore
    PROVOCATIONS[provocation](fake)
    kwargs = {"token": CANARY, "base_url": server.base_url, "timeout": httpx.Timeout(5.0, read=0.3)}
    try:
        outcome: Any = harness.liquidate(kwargs, ACCOUNT, CONTRACT)
    except TradovateError as error:
        outcome = error
    client_text = harness.run(kwargs, lambda client: f"{client!r} {client!s}")
    seen = "\n".join(
        [
            everything_about(outcome),
            client_text,
            caplog.text,
            *(repr(vars(r)) for r in caplog.records),
            *capsys.readouterr(),
        ]
    )
    assert caplog.records, "logging was on: there must be records to check"
    assert CANARY not in seen


def test_a_callable_token_never_shows_either(
    harness: Harness, fake: FakeTradovate, server: FakeServer
) -> None:
    def renew() -> str:
        return CANARY

    kwargs = {"token": renew, "base_url": server.base_url}
    text = harness.run(kwargs, lambda client: f"{client!r} {client!s} {vars(client)!r}")
    assert CANARY not in text


def test_public_objects_of_the_package_and_the_fake(
    fake: FakeTradovate, server: FakeServer
) -> None:
    client = tradovate_liquidate.LiquidationClient(CANARY, base_url=server.base_url)
    result = client.liquidate_position(ACCOUNT, CONTRACT)
    client.close()
    objects = [client, result, fake, server, fake.transport(), *fake.requests, *fake.orders]
    for value in objects:
        assert CANARY not in everything_about(value), type(value).__name__


def test_the_command_lines_output(fake: FakeTradovate, server: FakeServer) -> None:
    env = {**os.environ, "TRADOVATE_ACCESS_TOKEN": CANARY}
    outputs = []
    fake.schedule([None, Fault.server_error(), Fault.drop_connection()])
    for arguments in (["1", "2"], ["1", "2", "--json"], [str(ACCOUNT), str(CONTRACT)], ["0", "1"]):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tradovate_liquidate",
                *arguments,
                "--base-url",
                server.base_url,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        outputs.append(done.stdout + done.stderr)
    fake.expire_token(CANARY)
    done = subprocess.run(
        [sys.executable, "-m", "tradovate_liquidate", "1", "2", "--base-url", server.base_url],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    outputs.append(done.stdout + done.stderr)
    assert all(outputs)
    assert CANARY not in "\n".join(outputs)


# -- sign-in: the password and the API secret ---------------------------------------------

PASSWORD = "PASSWORD-CANARY-3b9d-do-not-print"
SEC = "SEC-CANARY-81c2-do-not-print"
SIGN_IN_PROVOCATIONS = {
    "signed in": lambda f: None,
    "wrong password": lambda f: f.auth.add_user("canary-user", "another password"),
    "429": lambda f: f.lock_out(),
    "500": lambda f: f.inject(Fault.server_error()),
    "520": lambda f: f.inject(Fault.html_error()),
    "dropped": lambda f: f.inject(Fault.drop_connection()),
    "timeout": lambda f: f.inject(Fault.delay(1.0)),
    "malformed": lambda f: f.inject(Fault.malformed_json()),
    "captcha": lambda f: f.impose_penalty(30, captcha=True),
    "penalty then served": lambda f: f.impose_penalty(1),
    "408 after a newer sign-in": lambda f: None,
}


def canary_credentials() -> tradovate_liquidate.Credentials:
    return tradovate_liquidate.Credentials(
        "canary-user", PASSWORD, app_id="canary-app", cid="99", sec=SEC
    )


@pytest.mark.parametrize("provocation", list(SIGN_IN_PROVOCATIONS))
def test_no_sign_in_path_lets_the_password_or_sec_out(
    harness: Harness,
    fake: FakeTradovate,
    server: FakeServer,
    provocation: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.auth.add_user("canary-user", PASSWORD, sec=SEC)
    SIGN_IN_PROVOCATIONS[provocation](fake)
    manager = tradovate_liquidate.TokenManager(canary_credentials())
    timeout = httpx.Timeout(5.0, read=0.3)
    kwargs = {"token": manager, "base_url": server.base_url, "timeout": timeout}

    def displace() -> None:
        for _ in range(2):
            httpx.post(
                f"{server.base_url}/auth/accesstokenrequest",
                json={"name": "canary-user", "password": PASSWORD, "sec": SEC},
            )

    outcomes: list[Any] = []
    for round_ in range(2):
        try:
            outcomes.append(harness.liquidate(kwargs, ACCOUNT, CONTRACT))
        except TradovateError as error:
            outcomes.append(error)
        if provocation.startswith("408") and round_ == 0:
            displace()
    if provocation.startswith("408"):
        assert isinstance(outcomes[1], tradovate_liquidate.AuthenticationError)
    client_text = harness.run(kwargs, lambda client: f"{client!r} {client!s}")
    seen = "\n".join(
        [
            *(everything_about(outcome) for outcome in outcomes),
            client_text,
            repr(manager),
            str(manager),
            repr(canary_credentials()),
            str(canary_credentials()),
            caplog.text,
            *(repr(vars(r)) for r in caplog.records),
            *capsys.readouterr(),
            *(everything_about(value) for value in (fake, fake.auth, *fake.requests)),
            *(request.body.decode() for request in fake.requests),
        ]
    )
    assert caplog.records
    assert any(r.path.endswith("accesstokenrequest") for r in fake.requests)
    assert PASSWORD not in seen
    assert SEC not in seen


def test_credentials_refuse_to_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(canary_credentials())


@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.ConnectError])
def test_a_sign_in_error_is_not_chained_to_the_httpx_error_that_holds_its_body(
    error: type[httpx.RequestError],
) -> None:
    from tradovate_liquidate._policy import Policy, exchange
    from tradovate_liquidate._steps import Request

    policy = Policy(0, 0.0, 0.0, 0, token_refreshable=False, answer_limit=1 << 20)
    body = {"name": "canary-user", "password": PASSWORD, "sec": SEC}
    request = Request("POST", "/auth/accesstokenrequest", None, body, 1 << 20, bearer=False)
    steps = exchange(policy, lambda ticket: request, {})
    next(steps)
    sent = httpx.Request("POST", "https://example.test/v1/auth/accesstokenrequest", json=body)
    with pytest.raises(TradovateError) as caught:
        steps.send(error("no answer", request=sent))
    assert caught.value.__cause__ is None
    assert PASSWORD not in everything_about(caught.value)


def test_the_grant_a_token_manager_shows_hides_its_token() -> None:
    from tradovate_liquidate._session import Grant

    grant = Grant(CANARY, 1_800_000_000.0)
    for text in (repr(grant), str(grant), f"{grant}", repr([grant]), repr({"g": grant})):
        assert CANARY not in text
        assert "1800000000.0" in text
    assert grant.token == CANARY

"""on_event: the audit trail of requests, answers, errors and verdicts, on both clients."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from tradovate_liquidate import (
    AsyncLiquidationClient,
    AuditRecord,
    Credentials,
    LiquidationClient,
    NotLiquidatedError,
)
from tradovate_liquidate.testing import FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT, Harness

LIQUIDATE = "/v1/order/liquidateposition"


def trail(harness: Harness, kwargs: dict[str, Any], use: Callable[[Any], Any]) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    harness.run({**kwargs, "on_event": records.append}, use)
    return records


def liquidate(client: Any) -> Any:
    return client.liquidate_position(ACCOUNT, CONTRACT)


def shape(records: list[AuditRecord]) -> list[dict[str, Any]]:
    """What the records say, less what varies between runs (times, the answers' text)."""
    varying = {"time", "elapsed_ms", "text", "bytes", "message"}
    shapes = [{k: v for k, v in r.as_dict().items() if k not in varying} for r in records]
    for one in shapes:
        if one.get("body") and "customTag50" in one["body"]:
            one["body"]["customTag50"] = "our own tag, random per call"
    return shapes


def test_a_lost_answer_leaves_request_error_reads_and_a_verified_verdict(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.inject(Fault.drop_connection())
    records = trail(harness, on_fake, liquidate)
    steps = [(r.kind, r.data.get("method"), r.data.get("path")) for r in records]
    assert steps == [
        ("request", "POST", LIQUIDATE),
        ("error", None, None),
        ("request", "GET", "/v1/position/deps"),
        ("answer", None, None),
        ("request", "GET", "/v1/order/deps"),
        ("answer", None, None),
        ("request", "GET", "/v1/command/deps"),  # the candidate's tag
        ("answer", None, None),
        ("verdict", None, None),
    ]
    post, error, *_, verdict = records
    body = post.data["body"]
    assert (body["accountId"], body["contractId"], body["isAutomated"]) == (ACCOUNT, CONTRACT, True)
    assert error.request_id == post.request_id == post.seq == 1
    assert error.data["error"] == "RemoteProtocolError"
    assert [r.seq for r in records] == list(range(1, 10))
    assert records[3].request_id == records[2].seq
    assert records[3].data["status"] == 200
    (placed,) = fake.placed
    assert verdict.data["call"] == "liquidate_position"
    assert verdict.data["verified"] is True
    assert verdict.data["order_id"] == placed.order_id
    assert verdict.data["error"] is None
    assert verdict.data["flat"] is True
    with pytest.raises(TypeError):
        verdict.data["verified"] = False  # type: ignore[index]
    assert json.loads(json.dumps(verdict.as_dict()))["order_id"] == placed.order_id


def test_a_verdict_names_the_error_a_call_ends_in(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.inject(Fault.drop_before_acting())
    records: list[AuditRecord] = []

    def use(client: Any) -> Any:
        return client.liquidate_position(ACCOUNT, CONTRACT)

    with pytest.raises(NotLiquidatedError):
        harness.run({**on_fake, "on_event": records.append, "settle_timeout": 0}, use)
    verdict = records[-1]
    assert verdict.kind == "verdict"
    assert verdict.data["error"] == "NotLiquidatedError"
    assert verdict.data["verified"] is True
    assert verdict.data["account_id"] == ACCOUNT
    assert verdict.data["message"]


def test_both_clients_record_the_same_trail() -> None:
    scenarios: dict[str, Callable[[FakeTradovate], object]] = {
        "success": lambda fake: None,
        "lost answer": lambda fake: fake.inject(Fault.drop_connection()),
        "server error": lambda fake: fake.inject(Fault.server_error()),
        "rejected": lambda fake: fake.set_account_status(ACCOUNT, "locked"),
    }
    for name, provoke in scenarios.items():
        shapes = []
        for kind in ("sync", "async"):
            fake = FakeTradovate()
            fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
            provoke(fake)
            kwargs = {"token": fake.issue_token(), "transport": fake.transport()}

            def use(client: Any) -> Any:
                return client.liquidate_many([(ACCOUNT, CONTRACT)], confirm=True)

            shapes.append(shape(trail(Harness(kind), kwargs, use)))
        assert shapes[0] == shapes[1], name
        assert shapes[0][-1]["kind"] == "verdict", name


def test_whole_accounts_and_flat_checks_have_verdicts(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT + 1, net_pos=-1)
    fake.add_position(account_id=ACCOUNT + 1, contract_id=CONTRACT, net_pos=3)

    def use(client: Any) -> Any:
        return client.liquidate_account(ACCOUNT)

    verdicts = [r.data for r in trail(harness, on_fake, use) if r.kind == "verdict"]
    assert [(v["call"], v["contract_id"]) for v in verdicts] == [
        ("liquidate_account", CONTRACT),
        ("liquidate_account", CONTRACT + 1),
        ("liquidate_account", None),  # the account's own
    ]
    placed = {event.contract_id: event.order_id for event in fake.placed}
    assert [v["order_id"] for v in verdicts[:2]] == [placed[CONTRACT], placed[CONTRACT + 1]]
    assert verdicts[2]["flat"] is True
    assert verdicts[2]["account_id"] == ACCOUNT

    def run(client: Any) -> Any:
        return client.liquidate_accounts([ACCOUNT + 1])

    verdicts = [r.data for r in trail(harness, on_fake, run) if r.kind == "verdict"]
    assert [(v["call"], v["account_id"], v["contract_id"]) for v in verdicts] == [
        ("liquidate_accounts", ACCOUNT + 1, CONTRACT),
        ("liquidate_accounts", ACCOUNT + 1, None),
    ]

    def wait(client: Any) -> Any:
        return client.wait_until_flat(ACCOUNT, CONTRACT)

    (verdict,) = [r.data for r in trail(harness, on_fake, wait) if r.kind == "verdict"]
    assert verdict["call"] == "wait_until_flat"
    assert verdict["flat"] is True


USER, PASSWORD, SEC = "audit-user", "audit-password-canary", "audit-sec-canary"


def test_no_password_sec_or_token_reaches_a_record(harness: Harness) -> None:
    fake = FakeTradovate()
    fake.auth.add_user(USER, PASSWORD, sec=SEC)
    fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
    credentials = Credentials(USER, PASSWORD, app_id="guard", app_version="1", cid=7, sec=SEC)
    kwargs = {"credentials": credentials, "transport": fake.transport()}

    def use(client: Any) -> Any:
        async def warm_twice_then_liquidate() -> Any:
            await client.warm_up()  # signs in
            await client.warm_up()  # renews the token held
            return await client.liquidate_position(ACCOUNT, CONTRACT)

        if isinstance(client, AsyncLiquidationClient):
            return warm_twice_then_liquidate()
        client.warm_up()
        client.warm_up()
        return liquidate(client)

    records = trail(harness, kwargs, use)
    assert fake.auth.logins == 1
    assert fake.auth.renewals == 1
    issued = list(fake._tokens)  # every token the fake ever issued or renewed
    assert len(issued) >= 2
    everything = "\n".join([repr(records), *(json.dumps(r.as_dict()) for r in records)])
    for secret in [PASSWORD, SEC, *issued]:
        assert secret not in everything
    sign_in = next(r for r in records if r.data.get("path") == "/v1/auth/accesstokenrequest")
    assert sign_in.data["omitted"] == ("password", "sec")  # there, and left out
    assert sign_in.data["body"]["name"] == USER
    answers = [r for r in records if r.kind == "answer" and "fields" in r.data]
    assert len(answers) == 2  # the sign-in's and the renewal's: allow-listed fields only
    assert all(set(a.data["fields"]) <= {"expirationTime", "userStatus", "userId"} for a in answers)


def test_a_raising_on_event_changes_nothing_that_is_sent(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(record: AuditRecord) -> None:
        raise RuntimeError("the audit disk is gone")

    sent = []
    for on_event in (None, broken):
        fake = FakeTradovate()
        fake.add_position(account_id=ACCOUNT, contract_id=CONTRACT, net_pos=2)
        fake.inject(Fault.drop_connection())
        kwargs = {"token": fake.issue_token(), "transport": fake.transport()}
        with caplog.at_level(logging.ERROR, logger="tradovate_liquidate"):
            result = harness.run({**kwargs, "on_event": on_event}, liquidate)
        assert result.verified
        assert result.order_id == fake.placed[0].order_id
        # Our own customTag50 is random per call: the rest of each body must be the same.
        bodies = [{**r.json(), "customTag50": None} if r.body else None for r in fake.requests]
        sent.append(
            [(r.method, r.path, body) for r, body in zip(fake.requests, bodies, strict=True)]
        )
    assert sent[0] == sent[1]
    assert len(sent[0]) == 4
    errors = [r for r in caplog.records if "on_event raised" in r.getMessage()]
    assert len(errors) == 9  # one per record missed: 4 requests, 4 answers, the verdict


@pytest.mark.parametrize("client_class", [LiquidationClient, AsyncLiquidationClient])
def test_on_event_must_be_callable(client_class: type[Any], fake: FakeTradovate) -> None:
    with pytest.raises(TypeError, match="on_event: expected a callable or None, not str"):
        client_class("token", transport=fake.transport(), on_event="audit.log")


def test_without_on_event_requests_are_not_wrapped(
    harness: Harness, on_fake: dict[str, Any]
) -> None:
    def check(client: Any) -> None:
        assert client._send.__func__ is type(client)._send  # no audit cost per request

    harness.run(on_fake, check)

"""Injected faults, in-process and over real HTTP: the same request, the same outcome."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tradovate_liquidate.testing import FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT, body

URL = "/order/liquidateposition"


@pytest.fixture(params=["in-process", "loopback"])
def client(
    request: pytest.FixtureRequest, fake: FakeTradovate, token: str
) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    timeout = httpx.Timeout(5.0, read=0.3)
    if request.param == "in-process":
        with httpx.Client(
            transport=fake.transport(), base_url="https://x/v1", headers=headers, timeout=timeout
        ) as http:
            yield http
        return
    with (
        fake.serve() as server,
        httpx.Client(base_url=server.base_url, headers=headers, timeout=timeout) as http,
    ):
        yield http


def test_server_error_happens_after_the_order_was_sent(
    fake: FakeTradovate, client: httpx.Client
) -> None:
    fake.inject(Fault.server_error())
    answer = client.post(URL, json=body())
    assert answer.status_code == 500
    assert len(fake.placed) == 1, "a 500 does not prove nothing happened"


def test_html_error_with_a_non_standard_status(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.html_error(520))
    answer = client.post(URL, json=body())
    assert answer.status_code == 520
    assert answer.headers["content-type"].startswith("text/html")
    assert "<html>" in answer.text


def test_dropped_connection_after_the_request_was_read(
    fake: FakeTradovate, client: httpx.Client
) -> None:
    fake.inject(Fault.drop_connection())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(URL, json=body())
    assert len(fake.placed) == 1
    assert client.post(URL, json=body()).json() == {"failureReason": "Success"}


def test_delay_beyond_the_read_timeout(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.delay(1.0))
    with pytest.raises(httpx.ReadTimeout):
        client.post(URL, json=body())
    assert len(fake.placed) == 1


def test_delay_within_the_timeout_answers(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.delay(0.05))
    assert client.post(URL, json=body()).json()["failureReason"] == "Success"


def test_malformed_json(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.malformed_json())
    answer = client.post(URL, json=body())
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        answer.json()
    assert len(fake.placed) == 1


def test_unknown_failure_reason_keeps_the_order_id(
    fake: FakeTradovate, client: httpx.Client
) -> None:
    fake.inject(Fault.unknown_reason("ShinyNewReason"))
    answer = client.post(URL, json=body()).json()
    assert answer["failureReason"] == "ShinyNewReason"
    assert answer["orderId"] == fake.placed[0].order_id


def test_error_text_and_violations_do_nothing(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.schedule(
        [Fault.error_text("Access is denied"), Fault.violations("must be a known account")]
    )
    assert client.post(URL, json=body()).json() == {"errorText": "Access is denied", "ok": False}
    violations = client.post(URL, json=body()).json()["violations"]
    assert violations == [
        {"constraint": "accountId", "value": str(ACCOUNT), "description": "must be a known account"}
    ]
    assert fake.orders == []
    assert fake.position(ACCOUNT, CONTRACT) == 3


def test_a_schedule_applies_one_fault_per_request_in_order(
    fake: FakeTradovate, client: httpx.Client
) -> None:
    fake.add_position(account_id=ACCOUNT, contract_id=7, net_pos=1)
    fake.schedule([None, Fault.server_error(503)])
    assert client.post(URL, json=body(contractId=7)).status_code == 200
    assert client.post(URL, json=body()).status_code == 503
    assert client.post(URL, json=body()).status_code == 200


def test_standing_faults_apply_until_cleared(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.server_error(), times=None)
    assert [client.post(URL, json=body()).status_code for _ in range(3)] == [500, 500, 500]
    fake.clear_faults()
    assert client.post(URL, json=body()).status_code == 200


def test_inject_times(fake: FakeTradovate, client: httpx.Client) -> None:
    fake.inject(Fault.error_text(), times=2)
    answers = [client.post(URL, json=body()).json() for _ in range(3)]
    assert ["errorText" in answer for answer in answers] == [True, True, False]


async def _async_post(fake: FakeTradovate, token: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=fake.transport(),
        base_url="https://x/v1",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        return await http.post(URL, json=body())


def test_the_transport_serves_async_clients(fake: FakeTradovate, token: str) -> None:
    import asyncio

    assert asyncio.run(_async_post(fake, token)).json()["failureReason"] == "Success"


def test_async_transport_times_out_like_a_socket(fake: FakeTradovate, token: str) -> None:
    import asyncio

    async def post() -> None:
        async with httpx.AsyncClient(
            transport=fake.transport(),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(5.0, read=0.05),
        ) as http:
            await http.post("https://x/v1" + URL, json=body())

    fake.inject(Fault.delay(1.0))
    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(post())

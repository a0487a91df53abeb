"""Per-call cost: raw httpx (a), the generated client (b), LiquidationClient (c), side by side.

Every contender sends the same body and reads the JSON answer: (a) is httpx.Client.post
plus response.json(), (b) the generated liquidate_position.sync, (c) our call.
"""

from __future__ import annotations

import itertools
import json
import statistics
from typing import Any

import httpx

from tradovate_api import AuthenticatedClient
from tradovate_api.api.order import liquidate_position
from tradovate_api.models import LiquidatePositionRequest
from tradovate_liquidate import LiquidationClient
from tradovate_liquidate.testing import FakeTradovate

from .common import PATH, TOKEN, Row, at_most, fake_process, interleaved, median_ratio

ANSWER = json.dumps({"failureReason": "Success", "orderId": 7740213}).encode()
BODY = {"accountId": 1, "contractId": 2, "admin": False, "isAutomated": True}


def contenders(base_url: str, transport: Any = None) -> tuple[dict[str, Any], list[Any]]:
    raw = httpx.Client(
        base_url=base_url, transport=transport, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    generated = AuthenticatedClient(
        base_url=base_url, token=TOKEN, httpx_args={"transport": transport} if transport else {}
    )
    ours = LiquidationClient(TOKEN, base_url=base_url, transport=transport)
    request = LiquidatePositionRequest(account_id=1, contract_id=2, admin=False, is_automated=True)
    contract_ids = itertools.count(2)
    calls = {
        "a raw httpx": lambda: raw.post(PATH, json=BODY).json(),
        "b generated": lambda: liquidate_position.sync(client=generated, body=request),
        # A new position each call: an emergency flattens each once, and a second call for
        # the same one would (rightly) read its pending order back first.
        "c LiquidationClient": lambda: ours.liquidate_position(1, next(contract_ids)),
    }
    return calls, [raw, generated.get_httpx_client(), ours]


def report(prefix: str, per_round: dict[str, list[float]], target: float) -> list[Row]:
    a, b, c = per_round.values()
    rows = [
        Row(f"{prefix}: {name}", statistics.median(times), "us/call")
        for name, times in per_round.items()
    ]
    rows.append(Row(f"{prefix}: b/a", median_ratio(b, a), "ratio"))
    rows.append(at_most(f"{prefix}: c/a", median_ratio(c, a), target))
    return rows


def in_process(calls: int = 2000, rounds: int = 15) -> list[Row]:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=ANSWER, headers={"content-type": "application/json"}
        )
    )
    clients, closables = contenders("https://demo.tradovateapi.com/v1", transport)
    try:
        return report("in-process", interleaved(clients, calls, rounds), 1.10)
    finally:
        for closable in closables:
            closable.close()


def loopback(calls: int = 100, rounds: int = 7, servers: int = 5) -> list[Row]:
    """Over loopback, against `servers` fresh fake processes with fresh clients each.

    Each client's connection is served by its own server thread, and where the scheduler
    puts those threads lasts a whole run: in one process the same code measured anywhere
    from 1.00 to 1.04 against raw httpx. Pooling the rounds of several processes evens
    that out.
    """
    per_round: dict[str, list[float]] = {}
    for _ in range(servers):
        with fake_process() as base_url:
            clients, closables = contenders(base_url)
            try:
                for name, times in interleaved(clients, calls, rounds).items():
                    per_round.setdefault(name, []).extend(times)
            finally:
                for closable in closables:
                    closable.close()
    return report("loopback keep-alive", per_round, 1.03)


def connections_for_sequential_calls(calls: int = 1000) -> list[Row]:
    fake = FakeTradovate(open_book=True)
    fake.accept_token(TOKEN)
    with fake.serve() as server, LiquidationClient(TOKEN, base_url=server.base_url) as client:
        for account in range(1, calls + 1):
            client.liquidate_position(account, 1)
        accepted = server.connections_accepted
    return [
        Row(
            f"TCP connections for {calls} sequential calls",
            accepted,
            "connections",
            "= 1",
            accepted == 1,
        )
    ]

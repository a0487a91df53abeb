"""pytest fixtures for code that calls Tradovate through this client.

Installing tradovate-liquidate registers this module as a pytest plugin (entry point
`pytest11`, name `tradovate_liquidate`). It only defines fixtures, so it does nothing
until a test asks for one; `-p no:tradovate_liquidate` turns it off. A vendored copy
loads it by name, in your conftest.py:
`pytest_plugins = ["theirapp._vendor.tradovate_liquidate.testing._pytest_plugin"]`.

    def test_flatten(fake_tradovate):
        token = fake_tradovate.issue_token()
        fake_tradovate.add_position(account_id=100001, contract_id=3570918, net_pos=2)
        with LiquidationClient(token, transport=fake_tradovate.transport()) as client:
            client.liquidate_position(100001, 3570918)
        assert fake_tradovate.position(100001, 3570918) == 0

    def test_over_http(fake_tradovate, fake_tradovate_server):
        token = fake_tradovate.issue_token()
        run_my_tool(base_url=fake_tradovate_server.base_url, token=token)
        assert fake_tradovate.placed   # the orders your tool sent
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._fake import FakeTradovate
    from ._server import FakeServer


@pytest.fixture
def fake_tradovate() -> FakeTradovate:
    """A fresh FakeTradovate for each test: no accounts, positions or tokens yet.

    `issue_token()` gives a token it accepts; `transport()` serves it in-process to an
    httpx.Client or httpx.AsyncClient, as `LiquidationClient(token, transport=...)` takes.
    """
    from ._fake import FakeTradovate

    return FakeTradovate()


@pytest.fixture
def fake_tradovate_server(fake_tradovate: FakeTradovate) -> Iterator[FakeServer]:
    """The test's `fake_tradovate` served over real HTTP on 127.0.0.1, on a free port.

    Point a client, a subprocess or the command line at `.base_url`; the server stops
    when the test ends.
    """
    with fake_tradovate.serve() as server:
        yield server

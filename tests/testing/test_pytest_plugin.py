"""The pytest plugin, as a consumer meets it: installed, found by its entry point, fixtures only.

Each test runs pytest in a subprocess on a consumer's test file, so the plugin is loaded
the way pip installed it, not the way this suite imports it.
"""

from __future__ import annotations

import importlib.metadata

import pytest

from tradovate_liquidate.testing import _pytest_plugin

PLUGIN = "tradovate_liquidate.testing._pytest_plugin"

CONSUMER_TESTS = """
import httpx
import pytest

from tradovate_liquidate import AsyncLiquidationClient, LiquidationClient

SERVED_AT = []


def test_in_process(fake_tradovate):
    token = fake_tradovate.issue_token()
    fake_tradovate.add_position(account_id=100001, contract_id=3570918, net_pos=2)
    with LiquidationClient(token, transport=fake_tradovate.transport()) as client:
        result = client.liquidate_position(100001, 3570918)
    assert fake_tradovate.position(100001, 3570918) == 0
    assert [order.order_id for order in fake_tradovate.placed] == [result.order_id]


async def liquidate_async(token, transport):
    async with AsyncLiquidationClient(token, transport=transport) as client:
        return await client.liquidate_position(100001, 3570918)


def test_each_test_gets_a_fresh_fake_and_the_async_client_works_too(fake_tradovate):
    import asyncio

    assert fake_tradovate.placed == []
    token = fake_tradovate.issue_token()
    fake_tradovate.add_position(account_id=100001, contract_id=3570918, net_pos=-1)
    asyncio.run(liquidate_async(token, fake_tradovate.transport()))
    assert fake_tradovate.position(100001, 3570918) == 0


def test_over_loopback(fake_tradovate, fake_tradovate_server):
    assert fake_tradovate_server.fake is fake_tradovate
    assert fake_tradovate_server.base_url.startswith("http://127.0.0.1:")
    token = fake_tradovate.issue_token()
    fake_tradovate.add_position(account_id=100001, contract_id=3570918, net_pos=1)
    with LiquidationClient(token, base_url=fake_tradovate_server.base_url) as client:
        client.liquidate_position(100001, 3570918)
    assert len(fake_tradovate.requests) == 1
    SERVED_AT.append(fake_tradovate_server.port)


def test_the_server_stopped_when_its_test_ended():
    (port,) = SERVED_AT
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/order/liquidateposition")
"""


def test_the_entry_point_names_the_plugin() -> None:
    (entry_point,) = [
        entry_point
        for entry_point in importlib.metadata.entry_points(group="pytest11")
        if entry_point.value.startswith("tradovate_liquidate")
    ]
    assert (entry_point.name, entry_point.value) == ("tradovate_liquidate", PLUGIN)
    assert entry_point.load() is _pytest_plugin


def test_a_consumers_tests_use_the_fixtures_with_nothing_to_configure(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=4)


def test_the_plugin_can_be_turned_off_by_its_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_consumer="def test_x(fake_tradovate):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:tradovate_liquidate", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'fake_tradovate' not found*"])


def test_the_plugin_only_defines_fixtures() -> None:
    """Off unless used: no hook runs on a test session that asks for none of its fixtures."""
    hooks = [name for name in vars(_pytest_plugin) if name.startswith("pytest_")]
    assert hooks == []
    fixtures = {
        name for name, value in vars(_pytest_plugin).items() if hasattr(value, "_fixture_function")
    }
    assert fixtures == {"fake_tradovate", "fake_tradovate_server"}

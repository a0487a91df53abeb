"""Bad input is refused by name, before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from tradovate_liquidate.testing import FakeTradovate

from .conftest import ACCOUNT, CONTRACT, Harness

BAD_CALLS = [
    ((True, CONTRACT), {}, TypeError, "account_id: expected an int, not bool"),
    (("100001", CONTRACT), {}, TypeError, "account_id: expected an int, not str"),
    ((1.0, CONTRACT), {}, TypeError, "account_id: expected an int, not float"),
    ((0, CONTRACT), {}, ValueError, "account_id: must be a positive int64"),
    ((-5, CONTRACT), {}, ValueError, "account_id: must be a positive int64"),
    ((ACCOUNT, 2**63), {}, ValueError, "contract_id: must be a positive int64"),
    ((ACCOUNT, None), {}, TypeError, "contract_id: expected an int, not NoneType"),
    (
        (ACCOUNT, CONTRACT),
        {"custom_tag": "x" * 65},
        ValueError,
        "custom_tag: at most 64 characters, not 65",
    ),
    ((ACCOUNT, CONTRACT), {"custom_tag": 7}, TypeError, "custom_tag: expected a str or None"),
    ((ACCOUNT, CONTRACT), {"admin": 1}, TypeError, "admin: expected a bool, not int"),
    (
        (ACCOUNT, CONTRACT),
        {"is_automated": "yes"},
        TypeError,
        "is_automated: expected a bool, not str",
    ),
    (
        (ACCOUNT, CONTRACT),
        {"timeout": 0},
        ValueError,
        "timeout: must be a finite number of seconds",
    ),
    (
        (ACCOUNT, CONTRACT),
        {"timeout": "5"},
        TypeError,
        "timeout: expected seconds or an httpx.Timeout",
    ),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), BAD_CALLS)
def test_bad_arguments_name_themselves_and_send_nothing(
    harness: Harness,
    fake: FakeTradovate,
    on_fake: dict[str, Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        harness.liquidate(on_fake, *args, **kwargs)
    assert fake.requests == []


def test_the_limits_themselves_are_accepted(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any]
) -> None:
    fake.add_position(account_id=2**63 - 1, contract_id=1, net_pos=1)
    result = harness.liquidate(on_fake, 2**63 - 1, 1, custom_tag="x" * 64)
    assert result.order_id is not None

"""One DEBUG record per request on logger tradovate_liquidate, and never the token."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tradovate_liquidate.testing import FakeTradovate, Fault

from .conftest import ACCOUNT, CONTRACT, Harness

# What an answer alone means: these clients do not verify (see tests/conftest.py).
pytestmark = pytest.mark.answer_only


def test_one_debug_record_per_request(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tradovate_liquidate")
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    records = [r for r in caplog.records if r.name == "tradovate_liquidate"]
    assert len(records) == 1
    (record,) = records
    assert record.levelno == logging.DEBUG
    assert (record.method, record.path, record.status) == (
        "POST",
        "/v1/order/liquidateposition",
        200,
    )  # type: ignore[attr-defined]
    assert record.elapsed_ms >= 0  # type: ignore[attr-defined]
    assert record.getMessage().startswith("POST /v1/order/liquidateposition -> 200 in ")


def test_a_penalty_logs_both_requests_and_a_warning(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tradovate_liquidate")
    fake.impose_penalty(1)
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    levels = [r.levelname for r in caplog.records if r.name == "tradovate_liquidate"]
    assert levels == ["DEBUG", "WARNING", "DEBUG"]


def test_a_failed_request_is_logged_by_error_name(
    harness: Harness, fake: FakeTradovate, on_fake: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tradovate_liquidate")
    fake.inject(Fault.drop_connection())
    with pytest.raises(Exception, match="Check positions"):
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert "-> RemoteProtocolError in" in caplog.text


def test_no_record_at_any_level_from_any_logger_holds_the_token(
    harness: Harness,
    fake: FakeTradovate,
    on_fake: dict[str, Any],
    token: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore too
    fake.schedule([Fault.server_error(), None])
    with pytest.raises(Exception, match="500"):
        harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    harness.liquidate(on_fake, ACCOUNT, CONTRACT)
    assert caplog.records
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in repr(record.__dict__)

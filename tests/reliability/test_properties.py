"""Property-based: every argument set is either refused by name before sending, or reaches
the fake as exactly the body the spec describes. At least 2,000 sets per run."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradovate_liquidate import LiquidationClient, LiquidationResult
from tradovate_liquidate.testing import FakeTradovate

INT64_MAX = 2**63 - 1
EXAMPLES = 2000


def mostly(
    valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Four in five draws valid, so that whole argument sets are valid about a third of the time.

    (st.one_of(valid, valid, valid, valid, invalid) would not do: Hypothesis flattens nested
    one_of and drops repeated branches.)"""
    return st.sampled_from([True, True, True, True, False]).flatmap(
        lambda ok: valid if ok else invalid
    )


ids = mostly(
    st.integers(min_value=1, max_value=INT64_MAX),
    st.one_of(
        st.integers(max_value=0),
        st.integers(min_value=INT64_MAX + 1),
        st.booleans(),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.none(),
    ),
)
tags = mostly(
    st.one_of(st.none(), st.text(max_size=64)),
    st.one_of(st.text(min_size=65, max_size=80), st.integers(), st.binary(max_size=3)),
)
flags = mostly(st.booleans(), st.one_of(st.integers(0, 1), st.none(), st.just("true")))


def expected_error(
    account_id: Any, contract_id: Any, admin: Any, custom_tag: Any, is_automated: Any
) -> str | None:
    """The oracle: the first argument the spec and the README say is wrong, or None."""
    for name, value in (("account_id", account_id), ("contract_id", contract_id)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT64_MAX:
            return name
    if not isinstance(admin, bool):
        return "admin"
    if not isinstance(is_automated, bool):
        return "is_automated"
    if custom_tag is not None and (not isinstance(custom_tag, str) or len(custom_tag) > 64):
        return "custom_tag"
    return None


def spec_body(
    account_id: int, contract_id: int, admin: bool, custom_tag: str | None, is_automated: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accountId": account_id,
        "contractId": contract_id,
        "admin": admin,
        "isAutomated": is_automated,
    }
    if custom_tag is not None:
        body["customTag50"] = custom_tag
    return body


@pytest.fixture(scope="module")
def fake() -> FakeTradovate:
    return FakeTradovate(open_book=True)


def test_liquidate_position_arguments(fake: FakeTradovate) -> None:
    token = fake.issue_token()
    # What each argument set sends: the answer alone, no reads (verification has its tests).
    client = LiquidationClient(token, transport=fake.transport(), verify_outcome=False)
    examples = {"valid": 0, "invalid": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(ids, ids, flags, tags, flags)
    def check(
        account_id: Any, contract_id: Any, admin: Any, custom_tag: Any, is_automated: Any
    ) -> None:
        sent_before = len(fake.requests)
        wrong = expected_error(account_id, contract_id, admin, custom_tag, is_automated)
        arguments = {"admin": admin, "custom_tag": custom_tag, "is_automated": is_automated}
        if wrong is not None:
            examples["invalid"] += 1
            with pytest.raises((TypeError, ValueError), match=rf"^{re.escape(wrong)}: "):
                client.liquidate_position(account_id, contract_id, **arguments)
            assert len(fake.requests) == sent_before, "nothing may be sent"
            return
        examples["valid"] += 1
        result = client.liquidate_position(account_id, contract_id, **arguments)
        assert isinstance(result, LiquidationResult)
        assert len(fake.requests) == sent_before + 1
        assert fake.requests[-1].json() == spec_body(
            account_id, contract_id, admin, custom_tag, is_automated
        )

    with client:
        check()
    assert examples["valid"] + examples["invalid"] >= EXAMPLES
    assert examples["valid"] >= EXAMPLES // 10, examples  # both sides really explored
    assert examples["invalid"] >= EXAMPLES // 10, examples


def test_liquidate_many_targets(fake: FakeTradovate) -> None:
    token = fake.issue_token()
    target = st.one_of(
        st.tuples(ids, ids),
        st.tuples(ids, ids, tags),
        st.lists(ids, max_size=3).map(tuple),
        st.integers(),
    )
    runs = {"n": 0}

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(target, max_size=6))
    def check(targets: list[Any]) -> None:
        runs["n"] += 1
        sent_before = len(fake.requests)
        first_bad = _first_refused(targets)
        with LiquidationClient(token, transport=fake.transport(), verify_outcome=False) as client:
            if first_bad is not None:
                with pytest.raises((TypeError, ValueError), match=rf"^targets\[{first_bad}\]: "):
                    client.liquidate_many(targets)
                assert len(fake.requests) == sent_before
                return
            outcomes = client.liquidate_many(targets, concurrency=3)
        assert [(o.account_id, o.contract_id) for o in outcomes] == [(t[0], t[1]) for t in targets]
        bodies = sorted(
            (
                (r.json()["accountId"], r.json()["contractId"], r.json().get("customTag50"))
                for r in fake.requests[sent_before:]
            ),
            key=repr,  # a tag may be None: tuples holding None and str do not compare
        )
        expected = ((t[0], t[1], t[2] if len(t) == 3 else None) for t in targets)
        assert bodies == sorted(expected, key=repr)

    check()
    assert runs["n"] >= 300


def _first_refused(targets: list[Any]) -> int | None:
    """The index liquidate_many must name: the first invalid target, or a repeated position."""
    seen: set[tuple[Any, Any]] = set()
    for index, target in enumerate(targets):
        if _target_error(target) is not None or (target[0], target[1]) in seen:
            return index
        seen.add((target[0], target[1]))
    return None


def _target_error(target: Any) -> str | None:
    if not isinstance(target, tuple) or len(target) not in (2, 3):
        return "shape"
    tag = target[2] if len(target) == 3 else None
    return expected_error(target[0], target[1], False, tag, True)

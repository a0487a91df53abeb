"""Checks on liquidate_position's arguments, all done before anything is sent."""

from __future__ import annotations

from typing import Any

INT64_MAX = 2**63 - 1
CUSTOM_TAG_MAX = 64


def check_id(value: object, name: str) -> int:
    # bool is an int subclass, and True would be account 1: refuse it by name.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an int, not {type(value).__name__}")
    if not 0 < value <= INT64_MAX:
        raise ValueError(f"{name}: must be a positive int64 (1 to {INT64_MAX}), not {value}")
    return value


def check_flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected a bool, not {type(value).__name__}")
    return value


def check_custom_tag(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"custom_tag: expected a str or None, not {type(value).__name__}")
    if len(value) > CUSTOM_TAG_MAX:
        raise ValueError(f"custom_tag: at most {CUSTOM_TAG_MAX} characters, not {len(value)}")
    return value


def liquidation_fields(
    account_id: object,
    contract_id: object,
    admin: object,
    custom_tag: object,
    is_automated: object,
) -> dict[str, Any]:
    """The checked arguments, by the generated model's field names."""
    fields: dict[str, Any] = {
        "account_id": check_id(account_id, "account_id"),
        "contract_id": check_id(contract_id, "contract_id"),
        "admin": check_flag(admin, "admin"),
        "is_automated": check_flag(is_automated, "is_automated"),
    }
    tag = check_custom_tag(custom_tag)
    if tag is not None:
        fields["custom_tag_50"] = tag
    return fields

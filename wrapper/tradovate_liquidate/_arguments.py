"""Checks on liquidate_position's arguments, all done before anything is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradovate_api.models import LiquidatePositionRequest

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


def liquidation_request(
    account_id: object,
    contract_id: object,
    admin: object,
    custom_tag: object,
    is_automated: object,
) -> LiquidatePositionRequest:
    """The checked arguments as the generated request model: checked here, once."""
    # Imported on first use: the generated models (and attrs) cost a cold import about
    # 16 ms, and a service that vendors this client may never liquidate anything.
    from tradovate_api.models import LiquidatePositionRequest
    from tradovate_api.types import UNSET

    # Checked in the order of the signature, so the first wrong argument is the one named.
    account = check_id(account_id, "account_id")
    contract = check_id(contract_id, "contract_id")
    admin_ = check_flag(admin, "admin")
    automated = check_flag(is_automated, "is_automated")
    tag = check_custom_tag(custom_tag)
    return LiquidatePositionRequest(
        account_id=account,
        contract_id=contract,
        admin=admin_,
        is_automated=automated,
        custom_tag_50=UNSET if tag is None else tag,
    )

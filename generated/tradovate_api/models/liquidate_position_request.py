# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LiquidatePositionRequest")


@_attrs_define
class LiquidatePositionRequest:
    """Which position to flatten, and how the closing order is marked.

    Attributes:
        account_id (int): The account that holds the position.
        contract_id (int): The numeric contract id (not the symbol).
        admin (bool): Undocumented by the vendor; almost every client sends false.
        custom_tag_50 (str | Unset): The caller's own tag, to find the closing order again later.
        is_automated (bool | Unset): True when a program, not a person, decided to send the order. Exchanges require
            the flag to be right (CME Rule 536.B, FIX tag 1028).
        p_ticket (str | Unset): Only on a resend after a time penalty, the ticket that penalty gave.
    """

    account_id: int
    contract_id: int
    admin: bool
    custom_tag_50: str | Unset = UNSET
    is_automated: bool | Unset = UNSET
    p_ticket: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        contract_id = self.contract_id

        admin = self.admin

        custom_tag_50 = self.custom_tag_50

        is_automated = self.is_automated

        p_ticket = self.p_ticket

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accountId": account_id,
                "contractId": contract_id,
                "admin": admin,
            }
        )
        if custom_tag_50 is not UNSET:
            field_dict["customTag50"] = custom_tag_50
        if is_automated is not UNSET:
            field_dict["isAutomated"] = is_automated
        if p_ticket is not UNSET:
            field_dict["p-ticket"] = p_ticket

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = d.pop("accountId")

        contract_id = d.pop("contractId")

        admin = d.pop("admin")

        custom_tag_50 = d.pop("customTag50", UNSET)

        is_automated = d.pop("isAutomated", UNSET)

        p_ticket = d.pop("p-ticket", UNSET)

        liquidate_position_request = cls(
            account_id=account_id,
            contract_id=contract_id,
            admin=admin,
            custom_tag_50=custom_tag_50,
            is_automated=is_automated,
            p_ticket=p_ticket,
        )

        return liquidate_position_request

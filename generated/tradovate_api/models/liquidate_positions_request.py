# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LiquidatePositionsRequest")


@_attrs_define
class LiquidatePositionsRequest:
    """Which positions to flatten, and how the closing orders are marked.

    Attributes:
        positions (list[int]): Position ids (assumed; see above).
        admin (bool): Undocumented by the vendor; almost every client sends false.
        custom_tag_50 (str | Unset):
        is_automated (bool | Unset):
        p_ticket (str | Unset): Only on a resend after a time penalty, the ticket that penalty gave.
    """

    positions: list[int]
    admin: bool
    custom_tag_50: str | Unset = UNSET
    is_automated: bool | Unset = UNSET
    p_ticket: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        positions = self.positions

        admin = self.admin

        custom_tag_50 = self.custom_tag_50

        is_automated = self.is_automated

        p_ticket = self.p_ticket

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "positions": positions,
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
        positions = cast(list[int], d.pop("positions"))

        admin = d.pop("admin")

        custom_tag_50 = d.pop("customTag50", UNSET)

        is_automated = d.pop("isAutomated", UNSET)

        p_ticket = d.pop("p-ticket", UNSET)

        liquidate_positions_request = cls(
            positions=positions,
            admin=admin,
            custom_tag_50=custom_tag_50,
            is_automated=is_automated,
            p_ticket=p_ticket,
        )

        return liquidate_positions_request

# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Violation")


@_attrs_define
class Violation:
    """
    Attributes:
        constraint (str | Unset):
        value (str | Unset):
        description (str | Unset):
    """

    constraint: str | Unset = UNSET
    value: str | Unset = UNSET
    description: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        constraint = self.constraint

        value = self.value

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if constraint is not UNSET:
            field_dict["constraint"] = constraint
        if value is not UNSET:
            field_dict["value"] = value
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        constraint = d.pop("constraint", UNSET)

        value = d.pop("value", UNSET)

        description = d.pop("description", UNSET)

        violation = cls(
            constraint=constraint,
            value=value,
            description=description,
        )

        return violation

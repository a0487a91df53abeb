# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Contract")


@_attrs_define
class Contract:
    """One contract; `name` is its symbol (ESZ6).

    Attributes:
        id (int | Unset):
        name (str | Unset):
        contract_maturity_id (int | Unset):
        status (str | Unset):
        provider_tick_size (float | Unset):
    """

    id: int | Unset = UNSET
    name: str | Unset = UNSET
    contract_maturity_id: int | Unset = UNSET
    status: str | Unset = UNSET
    provider_tick_size: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        contract_maturity_id = self.contract_maturity_id

        status = self.status

        provider_tick_size = self.provider_tick_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if contract_maturity_id is not UNSET:
            field_dict["contractMaturityId"] = contract_maturity_id
        if status is not UNSET:
            field_dict["status"] = status
        if provider_tick_size is not UNSET:
            field_dict["providerTickSize"] = provider_tick_size

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        contract_maturity_id = d.pop("contractMaturityId", UNSET)

        status = d.pop("status", UNSET)

        provider_tick_size = d.pop("providerTickSize", UNSET)

        contract = cls(
            id=id,
            name=name,
            contract_maturity_id=contract_maturity_id,
            status=status,
            provider_tick_size=provider_tick_size,
        )

        contract.additional_properties = d
        return contract

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

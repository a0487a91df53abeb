# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """One account; `closed` and `restricted` say whether it may trade.

    Attributes:
        name (str):
        user_id (int):
        account_type (str): Customer, Employee, Giveup, House, Omnibus, Wash
        clearing_house_id (int):
        risk_category_id (int):
        auto_liq_profile_id (int):
        margin_account_type (str): Hedger, Speculator
        legal_status (str): Corporation, GP, IRA, Individual, Joint, LLC, LLP, LP, PTR, Trust
        timestamp (datetime.datetime):
        id (int | Unset):
        restricted (bool | Unset):
        closed (bool | Unset):
        readonly (bool | Unset):
    """

    name: str
    user_id: int
    account_type: str
    clearing_house_id: int
    risk_category_id: int
    auto_liq_profile_id: int
    margin_account_type: str
    legal_status: str
    timestamp: datetime.datetime
    id: int | Unset = UNSET
    restricted: bool | Unset = UNSET
    closed: bool | Unset = UNSET
    readonly: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        user_id = self.user_id

        account_type = self.account_type

        clearing_house_id = self.clearing_house_id

        risk_category_id = self.risk_category_id

        auto_liq_profile_id = self.auto_liq_profile_id

        margin_account_type = self.margin_account_type

        legal_status = self.legal_status

        timestamp = self.timestamp.isoformat()

        id = self.id

        restricted = self.restricted

        closed = self.closed

        readonly = self.readonly

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "userId": user_id,
                "accountType": account_type,
                "clearingHouseId": clearing_house_id,
                "riskCategoryId": risk_category_id,
                "autoLiqProfileId": auto_liq_profile_id,
                "marginAccountType": margin_account_type,
                "legalStatus": legal_status,
                "timestamp": timestamp,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if restricted is not UNSET:
            field_dict["restricted"] = restricted
        if closed is not UNSET:
            field_dict["closed"] = closed
        if readonly is not UNSET:
            field_dict["readonly"] = readonly

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        user_id = d.pop("userId")

        account_type = d.pop("accountType")

        clearing_house_id = d.pop("clearingHouseId")

        risk_category_id = d.pop("riskCategoryId")

        auto_liq_profile_id = d.pop("autoLiqProfileId")

        margin_account_type = d.pop("marginAccountType")

        legal_status = d.pop("legalStatus")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        id = d.pop("id", UNSET)

        restricted = d.pop("restricted", UNSET)

        closed = d.pop("closed", UNSET)

        readonly = d.pop("readonly", UNSET)

        account = cls(
            name=name,
            user_id=user_id,
            account_type=account_type,
            clearing_house_id=clearing_house_id,
            risk_category_id=risk_category_id,
            auto_liq_profile_id=auto_liq_profile_id,
            margin_account_type=margin_account_type,
            legal_status=legal_status,
            timestamp=timestamp,
            id=id,
            restricted=restricted,
            closed=closed,
            readonly=readonly,
        )

        account.additional_properties = d
        return account

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

# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_action import OrderAction
from ..models.order_ord_status import OrderOrdStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """One order; `timestamp` is its creation time (server clock).

    Attributes:
        account_id (int):
        timestamp (datetime.datetime): Create Time
        action (OrderAction | str):
        ord_status (OrderOrdStatus | str):
        admin (bool):
        id (int | Unset):
        contract_id (int | Unset):
        spread_definition_id (int | Unset):
        execution_provider_id (int | Unset):
        oco_id (int | Unset):
        parent_id (int | Unset):
        linked_id (int | Unset):
    """

    account_id: int
    timestamp: datetime.datetime
    action: OrderAction | str
    ord_status: OrderOrdStatus | str
    admin: bool
    id: int | Unset = UNSET
    contract_id: int | Unset = UNSET
    spread_definition_id: int | Unset = UNSET
    execution_provider_id: int | Unset = UNSET
    oco_id: int | Unset = UNSET
    parent_id: int | Unset = UNSET
    linked_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        timestamp = self.timestamp.isoformat()

        action: str
        if isinstance(self.action, OrderAction):
            action = self.action.value
        else:
            action = self.action

        ord_status: str
        if isinstance(self.ord_status, OrderOrdStatus):
            ord_status = self.ord_status.value
        else:
            ord_status = self.ord_status

        admin = self.admin

        id = self.id

        contract_id = self.contract_id

        spread_definition_id = self.spread_definition_id

        execution_provider_id = self.execution_provider_id

        oco_id = self.oco_id

        parent_id = self.parent_id

        linked_id = self.linked_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accountId": account_id,
                "timestamp": timestamp,
                "action": action,
                "ordStatus": ord_status,
                "admin": admin,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if contract_id is not UNSET:
            field_dict["contractId"] = contract_id
        if spread_definition_id is not UNSET:
            field_dict["spreadDefinitionId"] = spread_definition_id
        if execution_provider_id is not UNSET:
            field_dict["executionProviderId"] = execution_provider_id
        if oco_id is not UNSET:
            field_dict["ocoId"] = oco_id
        if parent_id is not UNSET:
            field_dict["parentId"] = parent_id
        if linked_id is not UNSET:
            field_dict["linkedId"] = linked_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account_id = d.pop("accountId")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_action(data: object) -> OrderAction | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                action_type_0 = OrderAction(data)

                return action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(OrderAction | str, data)

        action = _parse_action(d.pop("action"))

        def _parse_ord_status(data: object) -> OrderOrdStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ord_status_type_0 = OrderOrdStatus(data)

                return ord_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(OrderOrdStatus | str, data)

        ord_status = _parse_ord_status(d.pop("ordStatus"))

        admin = d.pop("admin")

        id = d.pop("id", UNSET)

        contract_id = d.pop("contractId", UNSET)

        spread_definition_id = d.pop("spreadDefinitionId", UNSET)

        execution_provider_id = d.pop("executionProviderId", UNSET)

        oco_id = d.pop("ocoId", UNSET)

        parent_id = d.pop("parentId", UNSET)

        linked_id = d.pop("linkedId", UNSET)

        order = cls(
            account_id=account_id,
            timestamp=timestamp,
            action=action,
            ord_status=ord_status,
            admin=admin,
            id=id,
            contract_id=contract_id,
            spread_definition_id=spread_definition_id,
            execution_provider_id=execution_provider_id,
            oco_id=oco_id,
            parent_id=parent_id,
            linked_id=linked_id,
        )

        order.additional_properties = d
        return order

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

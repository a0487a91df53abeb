# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.fill_action import FillAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trade_date import TradeDate


T = TypeVar("T", bound="Fill")


@_attrs_define
class Fill:
    """One execution of an order.

    Attributes:
        order_id (int):
        contract_id (int):
        timestamp (datetime.datetime):
        trade_date (TradeDate):
        action (FillAction | str):
        qty (int):
        price (float):
        active (bool):
        finally_paired (int):
        id (int | Unset):
    """

    order_id: int
    contract_id: int
    timestamp: datetime.datetime
    trade_date: TradeDate
    action: FillAction | str
    qty: int
    price: float
    active: bool
    finally_paired: int
    id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        contract_id = self.contract_id

        timestamp = self.timestamp.isoformat()

        trade_date = self.trade_date.to_dict()

        action: str
        if isinstance(self.action, FillAction):
            action = self.action.value
        else:
            action = self.action

        qty = self.qty

        price = self.price

        active = self.active

        finally_paired = self.finally_paired

        id = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orderId": order_id,
                "contractId": contract_id,
                "timestamp": timestamp,
                "tradeDate": trade_date,
                "action": action,
                "qty": qty,
                "price": price,
                "active": active,
                "finallyPaired": finally_paired,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.trade_date import TradeDate

        d = dict(src_dict)
        order_id = d.pop("orderId")

        contract_id = d.pop("contractId")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        trade_date = TradeDate.from_dict(d.pop("tradeDate"))

        def _parse_action(data: object) -> FillAction | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                action_type_0 = FillAction(data)

                return action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FillAction | str, data)

        action = _parse_action(d.pop("action"))

        qty = d.pop("qty")

        price = d.pop("price")

        active = d.pop("active")

        finally_paired = d.pop("finallyPaired")

        id = d.pop("id", UNSET)

        fill = cls(
            order_id=order_id,
            contract_id=contract_id,
            timestamp=timestamp,
            trade_date=trade_date,
            action=action,
            qty=qty,
            price=price,
            active=active,
            finally_paired=finally_paired,
            id=id,
        )

        fill.additional_properties = d
        return fill

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

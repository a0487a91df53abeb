# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CancelOrderRequest")


@_attrs_define
class CancelOrderRequest:
    """Which order to cancel.

    Attributes:
        order_id (int):
        cl_ord_id (str | Unset):
        activation_time (str | Unset):
        custom_tag_50 (str | Unset):
        is_automated (bool | Unset):
        p_ticket (str | Unset):
    """

    order_id: int
    cl_ord_id: str | Unset = UNSET
    activation_time: str | Unset = UNSET
    custom_tag_50: str | Unset = UNSET
    is_automated: bool | Unset = UNSET
    p_ticket: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        cl_ord_id = self.cl_ord_id

        activation_time = self.activation_time

        custom_tag_50 = self.custom_tag_50

        is_automated = self.is_automated

        p_ticket = self.p_ticket

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "orderId": order_id,
            }
        )
        if cl_ord_id is not UNSET:
            field_dict["clOrdId"] = cl_ord_id
        if activation_time is not UNSET:
            field_dict["activationTime"] = activation_time
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
        order_id = d.pop("orderId")

        cl_ord_id = d.pop("clOrdId", UNSET)

        activation_time = d.pop("activationTime", UNSET)

        custom_tag_50 = d.pop("customTag50", UNSET)

        is_automated = d.pop("isAutomated", UNSET)

        p_ticket = d.pop("p-ticket", UNSET)

        cancel_order_request = cls(
            order_id=order_id,
            cl_ord_id=cl_ord_id,
            activation_time=activation_time,
            custom_tag_50=custom_tag_50,
            is_automated=is_automated,
            p_ticket=p_ticket,
        )

        return cancel_order_request

# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.failure_reason import FailureReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlaceOrderResult")


@_attrs_define
class PlaceOrderResult:
    """The outcome of the request. `Success` means the closing order was accepted for
    sending, not that it was filled.

        Attributes:
            failure_reason (FailureReason | Unset): Why the request failed, or `Success`. The vendor adds values without
                notice, so a
                client must keep an unknown value rather than fail on it.
            failure_text (str | Unset): The server's explanation, when there is one.
            order_id (int | Unset): The order sent to close the position.
    """

    failure_reason: FailureReason | Unset = UNSET
    failure_text: str | Unset = UNSET
    order_id: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        failure_reason: str | Unset = UNSET
        if not isinstance(self.failure_reason, Unset):
            failure_reason = self.failure_reason.value

        failure_text = self.failure_text

        order_id = self.order_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason
        if failure_text is not UNSET:
            field_dict["failureText"] = failure_text
        if order_id is not UNSET:
            field_dict["orderId"] = order_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _failure_reason = d.pop("failureReason", UNSET)
        failure_reason: FailureReason | Unset
        if isinstance(_failure_reason, Unset):
            failure_reason = UNSET
        else:
            failure_reason = FailureReason(_failure_reason)

        failure_text = d.pop("failureText", UNSET)

        order_id = d.pop("orderId", UNSET)

        place_order_result = cls(
            failure_reason=failure_reason,
            failure_text=failure_text,
            order_id=order_id,
        )

        return place_order_result

# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.failure_reason import FailureReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="CommandResult")


@_attrs_define
class CommandResult:
    """The outcome of a cancel request; `Success` means it was taken, not done.

    Attributes:
        failure_reason (FailureReason | str | Unset):
        failure_text (str | Unset):
        command_id (int | Unset):
    """

    failure_reason: FailureReason | str | Unset = UNSET
    failure_text: str | Unset = UNSET
    command_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        failure_reason: str | Unset
        if isinstance(self.failure_reason, Unset):
            failure_reason = UNSET
        elif isinstance(self.failure_reason, FailureReason):
            failure_reason = self.failure_reason.value
        else:
            failure_reason = self.failure_reason

        failure_text = self.failure_text

        command_id = self.command_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason
        if failure_text is not UNSET:
            field_dict["failureText"] = failure_text
        if command_id is not UNSET:
            field_dict["commandId"] = command_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_failure_reason(data: object) -> FailureReason | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failure_reason_type_0 = FailureReason(data)

                return failure_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FailureReason | str | Unset, data)

        failure_reason = _parse_failure_reason(d.pop("failureReason", UNSET))

        failure_text = d.pop("failureText", UNSET)

        command_id = d.pop("commandId", UNSET)

        command_result = cls(
            failure_reason=failure_reason,
            failure_text=failure_text,
            command_id=command_id,
        )

        command_result.additional_properties = d
        return command_result

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

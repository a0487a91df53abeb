# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorTextAnswer")


@_attrs_define
class ErrorTextAnswer:
    """A rejection in words when `errorText` is not empty; nothing was done. An empty
    `errorText` (for example `{"ok": true, "errorText": ""}`) is not a rejection.

        Attributes:
            error_text (str):
            ok (bool | Unset):
    """

    error_text: str
    ok: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_text = self.error_text

        ok = self.ok

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errorText": error_text,
            }
        )
        if ok is not UNSET:
            field_dict["ok"] = ok

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error_text = d.pop("errorText")

        ok = d.pop("ok", UNSET)

        error_text_answer = cls(
            error_text=error_text,
            ok=ok,
        )

        error_text_answer.additional_properties = d
        return error_text_answer

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

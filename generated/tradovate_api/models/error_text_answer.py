# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorTextAnswer")


@_attrs_define
class ErrorTextAnswer:
    """A rejection in words; nothing was done.

    Attributes:
        error_text (str):
        ok (bool | Unset):
    """

    error_text: str
    ok: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        error_text = self.error_text

        ok = self.ok

        field_dict: dict[str, Any] = {}

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

        return error_text_answer

# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TimePenalty")


@_attrs_define
class TimePenalty:
    """The request was not processed. Wait `p-time` seconds, then send the identical body
    again with `p-ticket` added. When `p-captcha` is true a person must solve a captcha
    first; a program cannot recover and should wait about an hour.

        Attributes:
            p_ticket (str):
            p_time (int): Seconds to wait before the resend.
            p_captcha (bool | Unset):
    """

    p_ticket: str
    p_time: int
    p_captcha: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        p_ticket = self.p_ticket

        p_time = self.p_time

        p_captcha = self.p_captcha

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "p-ticket": p_ticket,
                "p-time": p_time,
            }
        )
        if p_captcha is not UNSET:
            field_dict["p-captcha"] = p_captcha

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        p_ticket = d.pop("p-ticket")

        p_time = d.pop("p-time")

        p_captcha = d.pop("p-captcha", UNSET)

        time_penalty = cls(
            p_ticket=p_ticket,
            p_time=p_time,
            p_captcha=p_captcha,
        )

        time_penalty.additional_properties = d
        return time_penalty

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

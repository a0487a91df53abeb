# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessTokenResponse")


@_attrs_define
class AccessTokenResponse:
    """A token and when it ends, or an `errorText` when the sign-in failed (wrong password,
    locked user).

        Attributes:
            error_text (str | Unset): Non-empty if the request failed.
            access_token (str | Unset):
            expiration_time (str | Unset): When the token ends (an ISO 8601 date-time, UTC).
            password_expiration_time (str | Unset):
            user_status (str | Unset): Active, Closed, Initiated, TemporaryLocked or UnconfirmedEmail.
            user_id (int | Unset):
            name (str | Unset):
            has_live (bool | Unset):
    """

    error_text: str | Unset = UNSET
    access_token: str | Unset = UNSET
    expiration_time: str | Unset = UNSET
    password_expiration_time: str | Unset = UNSET
    user_status: str | Unset = UNSET
    user_id: int | Unset = UNSET
    name: str | Unset = UNSET
    has_live: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_text = self.error_text

        access_token = self.access_token

        expiration_time = self.expiration_time

        password_expiration_time = self.password_expiration_time

        user_status = self.user_status

        user_id = self.user_id

        name = self.name

        has_live = self.has_live

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error_text is not UNSET:
            field_dict["errorText"] = error_text
        if access_token is not UNSET:
            field_dict["accessToken"] = access_token
        if expiration_time is not UNSET:
            field_dict["expirationTime"] = expiration_time
        if password_expiration_time is not UNSET:
            field_dict["passwordExpirationTime"] = password_expiration_time
        if user_status is not UNSET:
            field_dict["userStatus"] = user_status
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if name is not UNSET:
            field_dict["name"] = name
        if has_live is not UNSET:
            field_dict["hasLive"] = has_live

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error_text = d.pop("errorText", UNSET)

        access_token = d.pop("accessToken", UNSET)

        expiration_time = d.pop("expirationTime", UNSET)

        password_expiration_time = d.pop("passwordExpirationTime", UNSET)

        user_status = d.pop("userStatus", UNSET)

        user_id = d.pop("userId", UNSET)

        name = d.pop("name", UNSET)

        has_live = d.pop("hasLive", UNSET)

        access_token_response = cls(
            error_text=error_text,
            access_token=access_token,
            expiration_time=expiration_time,
            password_expiration_time=password_expiration_time,
            user_status=user_status,
            user_id=user_id,
            name=name,
            has_live=has_live,
        )

        access_token_response.additional_properties = d
        return access_token_response

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

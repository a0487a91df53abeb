# generated from spec/openapi.yaml by `make generate`; do not edit
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessTokenRequest")


@_attrs_define
class AccessTokenRequest:
    """Credentials for a sign-in. Never logged or kept on an error.

    Attributes:
        name (str): The user name.
        password (str): The user's password. A secret.
        app_id (str | Unset): The app id from the vendor's API access settings.
        app_version (str | Unset):
        device_id (str | Unset): A stable id of this machine or deployment.
        cid (str | Unset): The API key's client id (CID).
        sec (str | Unset): The API key's secret. A secret.
        p_ticket (str | Unset): Only on a resend after a time penalty, the ticket that penalty gave.
    """

    name: str
    password: str
    app_id: str | Unset = UNSET
    app_version: str | Unset = UNSET
    device_id: str | Unset = UNSET
    cid: str | Unset = UNSET
    sec: str | Unset = UNSET
    p_ticket: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        password = self.password

        app_id = self.app_id

        app_version = self.app_version

        device_id = self.device_id

        cid = self.cid

        sec = self.sec

        p_ticket = self.p_ticket

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "password": password,
            }
        )
        if app_id is not UNSET:
            field_dict["appId"] = app_id
        if app_version is not UNSET:
            field_dict["appVersion"] = app_version
        if device_id is not UNSET:
            field_dict["deviceId"] = device_id
        if cid is not UNSET:
            field_dict["cid"] = cid
        if sec is not UNSET:
            field_dict["sec"] = sec
        if p_ticket is not UNSET:
            field_dict["p-ticket"] = p_ticket

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        password = d.pop("password")

        app_id = d.pop("appId", UNSET)

        app_version = d.pop("appVersion", UNSET)

        device_id = d.pop("deviceId", UNSET)

        cid = d.pop("cid", UNSET)

        sec = d.pop("sec", UNSET)

        p_ticket = d.pop("p-ticket", UNSET)

        access_token_request = cls(
            name=name,
            password=password,
            app_id=app_id,
            app_version=app_version,
            device_id=device_id,
            cid=cid,
            sec=sec,
            p_ticket=p_ticket,
        )

        return access_token_request

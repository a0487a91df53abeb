# generated from spec/openapi.yaml by `make generate`; do not edit
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_text_answer import ErrorTextAnswer
from ...models.position import Position
from ...types import UNSET, Response


def _get_kwargs(
    *,
    masterid: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["masterid"] = masterid

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/position/deps",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorTextAnswer | list[Position] | str | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Position.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = ErrorTextAnswer.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = response.text
        return response_401

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if response.status_code == 500:
        response_500 = response.text
        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorTextAnswer | list[Position] | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    masterid: int,
) -> Response[Any | ErrorTextAnswer | list[Position] | str]:
    """The positions of one account

     Fetches all Position entities associated to Account entity.

    Args:
        masterid (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorTextAnswer | list[Position] | str]
    """

    kwargs = _get_kwargs(
        masterid=masterid,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    masterid: int,
) -> Any | ErrorTextAnswer | list[Position] | str | None:
    """The positions of one account

     Fetches all Position entities associated to Account entity.

    Args:
        masterid (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorTextAnswer | list[Position] | str
    """

    return sync_detailed(
        client=client,
        masterid=masterid,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    masterid: int,
) -> Response[Any | ErrorTextAnswer | list[Position] | str]:
    """The positions of one account

     Fetches all Position entities associated to Account entity.

    Args:
        masterid (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorTextAnswer | list[Position] | str]
    """

    kwargs = _get_kwargs(
        masterid=masterid,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    masterid: int,
) -> Any | ErrorTextAnswer | list[Position] | str | None:
    """The positions of one account

     Fetches all Position entities associated to Account entity.

    Args:
        masterid (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorTextAnswer | list[Position] | str
    """

    return (
        await asyncio_detailed(
            client=client,
            masterid=masterid,
        )
    ).parsed

# generated from spec/openapi.yaml by `make generate`; do not edit
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_text_answer import ErrorTextAnswer
from ...models.order import Order
from ...types import UNSET, Response


def _get_kwargs(
    *,
    masterids: list[int],
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_masterids = masterids

    params["masterids"] = json_masterids

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/order/ldeps",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorTextAnswer | list[Order] | str | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Order.from_dict(response_200_item_data)

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
) -> Response[Any | ErrorTextAnswer | list[Order] | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    masterids: list[int],
) -> Response[Any | ErrorTextAnswer | list[Order] | str]:
    """The orders of several accounts

     Fetches all Order entities associated with multiple Account entities.

    Args:
        masterids (list[int]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorTextAnswer | list[Order] | str]
    """

    kwargs = _get_kwargs(
        masterids=masterids,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    masterids: list[int],
) -> Any | ErrorTextAnswer | list[Order] | str | None:
    """The orders of several accounts

     Fetches all Order entities associated with multiple Account entities.

    Args:
        masterids (list[int]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorTextAnswer | list[Order] | str
    """

    return sync_detailed(
        client=client,
        masterids=masterids,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    masterids: list[int],
) -> Response[Any | ErrorTextAnswer | list[Order] | str]:
    """The orders of several accounts

     Fetches all Order entities associated with multiple Account entities.

    Args:
        masterids (list[int]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorTextAnswer | list[Order] | str]
    """

    kwargs = _get_kwargs(
        masterids=masterids,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    masterids: list[int],
) -> Any | ErrorTextAnswer | list[Order] | str | None:
    """The orders of several accounts

     Fetches all Order entities associated with multiple Account entities.

    Args:
        masterids (list[int]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorTextAnswer | list[Order] | str
    """

    return (
        await asyncio_detailed(
            client=client,
            masterids=masterids,
        )
    ).parsed

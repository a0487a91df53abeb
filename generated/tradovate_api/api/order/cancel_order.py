# generated from spec/openapi.yaml by `make generate`; do not edit
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_order_request import CancelOrderRequest
from ...models.command_result import CommandResult
from ...models.error_text_answer import ErrorTextAnswer
from ...models.time_penalty import TimePenalty
from ...models.violations_answer import ViolationsAnswer
from ...types import Response


def _get_kwargs(
    *,
    body: CancelOrderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/order/cancelorder",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = TimePenalty.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_1 = ErrorTextAnswer.from_dict(data)

                return response_200_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_2 = ViolationsAnswer.from_dict(data)

                return response_200_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_3 = CommandResult.from_dict(data)

            return response_200_type_3

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorTextAnswer.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = response.text
        return response_401

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if response.status_code == 408:
        response_408 = cast(Any, None)
        return response_408

    if response.status_code == 423:
        response_423 = cast(Any, None)
        return response_423

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
) -> Response[
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CancelOrderRequest,
) -> Response[
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str
]:
    """Cancel one working order

     Make a request to cancel an order. Used on contracts where an account holds no
    position, so that no working order opens one again after the flatten. The answer's
    `commandId` is the Cancel command; the order's status says when it is done.

    Args:
        body (CancelOrderRequest): Which order to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | ErrorTextAnswer | str]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CancelOrderRequest,
) -> (
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str | None
):
    """Cancel one working order

     Make a request to cancel an order. Used on contracts where an account holds no
    position, so that no working order opens one again after the flatten. The answer's
    `commandId` is the Cancel command; the order's status says when it is done.

    Args:
        body (CancelOrderRequest): Which order to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | ErrorTextAnswer | str
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CancelOrderRequest,
) -> Response[
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str
]:
    """Cancel one working order

     Make a request to cancel an order. Used on contracts where an account holds no
    position, so that no working order opens one again after the flatten. The answer's
    `commandId` is the Cancel command; the order's status says when it is done.

    Args:
        body (CancelOrderRequest): Which order to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | ErrorTextAnswer | str]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CancelOrderRequest,
) -> (
    Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | str | None
):
    """Cancel one working order

     Make a request to cancel an order. Used on contracts where an account holds no
    position, so that no working order opens one again after the flatten. The answer's
    `commandId` is the Cancel command; the order's status says when it is done.

    Args:
        body (CancelOrderRequest): Which order to cancel.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CommandResult | ErrorTextAnswer | TimePenalty | ViolationsAnswer | ErrorTextAnswer | str
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

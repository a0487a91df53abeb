# generated from spec/openapi.yaml by `make generate`; do not edit
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token_request import AccessTokenRequest
from ...models.access_token_response import AccessTokenResponse
from ...models.time_penalty import TimePenalty
from ...types import Response


def _get_kwargs(
    *,
    body: AccessTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/accesstokenrequest",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessTokenResponse | TimePenalty | Any | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> AccessTokenResponse | TimePenalty:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = TimePenalty.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = AccessTokenResponse.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = cast(Any, None)
        return response_400

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessTokenResponse | TimePenalty | Any]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AccessTokenRequest,
) -> Response[AccessTokenResponse | TimePenalty | Any]:
    """Sign in and start a session

     Starts a new session and answers its access token. A user may hold 2 sessions at
    once: a third sign-in closes the oldest, whose token then gets 408 (or 429, or 5xx).
    Sign-ins are counted against a small budget: renew a held token instead of signing
    in again. A wrong password or a locked user answers 200 with `errorText`.

    Args:
        body (AccessTokenRequest): Credentials for a sign-in. Never logged or kept on an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | TimePenalty | Any]
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
    body: AccessTokenRequest,
) -> AccessTokenResponse | TimePenalty | Any | None:
    """Sign in and start a session

     Starts a new session and answers its access token. A user may hold 2 sessions at
    once: a third sign-in closes the oldest, whose token then gets 408 (or 429, or 5xx).
    Sign-ins are counted against a small budget: renew a held token instead of signing
    in again. A wrong password or a locked user answers 200 with `errorText`.

    Args:
        body (AccessTokenRequest): Credentials for a sign-in. Never logged or kept on an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | TimePenalty | Any
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AccessTokenRequest,
) -> Response[AccessTokenResponse | TimePenalty | Any]:
    """Sign in and start a session

     Starts a new session and answers its access token. A user may hold 2 sessions at
    once: a third sign-in closes the oldest, whose token then gets 408 (or 429, or 5xx).
    Sign-ins are counted against a small budget: renew a held token instead of signing
    in again. A wrong password or a locked user answers 200 with `errorText`.

    Args:
        body (AccessTokenRequest): Credentials for a sign-in. Never logged or kept on an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | TimePenalty | Any]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AccessTokenRequest,
) -> AccessTokenResponse | TimePenalty | Any | None:
    """Sign in and start a session

     Starts a new session and answers its access token. A user may hold 2 sessions at
    once: a third sign-in closes the oldest, whose token then gets 408 (or 429, or 5xx).
    Sign-ins are counted against a small budget: renew a held token instead of signing
    in again. A wrong password or a locked user answers 200 with `errorText`.

    Args:
        body (AccessTokenRequest): Credentials for a sign-in. Never logged or kept on an error.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | TimePenalty | Any
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

# generated from spec/openapi.yaml by `make generate`; do not edit
"""A client library for accessing Tradovate liquidate position"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)

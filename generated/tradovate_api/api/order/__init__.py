# generated from spec/openapi.yaml by `make generate`; do not edit
"""Contains endpoint functions for accessing the API

Each operation's HTTP method, path and query parameters as public constants, so a caller
that carries requests itself (tradovate_liquidate does) reads them from the spec's own
output instead of writing them again. Added by spec/templates/endpoint_init.py.jinja.
"""

from typing import Final, NamedTuple


class Operation(NamedTuple):
    method: str
    path: str
    #: python name -> wire name of each query parameter
    query: dict[str, str]


CANCEL_ORDER: Final = Operation(
    "POST",
    "/order/cancelorder",
    {},
)
LIQUIDATE_POSITION: Final = Operation(
    "POST",
    "/order/liquidateposition",
    {},
)
LIQUIDATE_POSITIONS: Final = Operation(
    "POST",
    "/order/liquidatepositions",
    {},
)
ORDER_DEPENDENTS: Final = Operation(
    "GET",
    "/order/deps",
    {
        "masterid": "masterid",
    },
)
ORDER_ITEM: Final = Operation(
    "GET",
    "/order/item",
    {
        "id": "id",
    },
)
ORDER_L_DEPENDENTS: Final = Operation(
    "GET",
    "/order/ldeps",
    {
        "masterids": "masterids",
    },
)

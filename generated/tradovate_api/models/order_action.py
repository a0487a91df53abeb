# generated from spec/openapi.yaml by `make generate`; do not edit
from enum import StrEnum


class OrderAction(StrEnum):
    BUY = "Buy"
    SELL = "Sell"

    def __str__(self) -> str:
        return str(self.value)

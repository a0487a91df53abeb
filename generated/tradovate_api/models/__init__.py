# generated from spec/openapi.yaml by `make generate`; do not edit
"""Contains all the data models used in inputs/outputs"""

from .access_token_request import AccessTokenRequest
from .access_token_response import AccessTokenResponse
from .error_text_answer import ErrorTextAnswer
from .failure_reason import FailureReason
from .liquidate_position_request import LiquidatePositionRequest
from .place_order_result import PlaceOrderResult
from .time_penalty import TimePenalty
from .violation import Violation
from .violations_answer import ViolationsAnswer

__all__ = (
    "AccessTokenRequest",
    "AccessTokenResponse",
    "ErrorTextAnswer",
    "FailureReason",
    "LiquidatePositionRequest",
    "PlaceOrderResult",
    "TimePenalty",
    "Violation",
    "ViolationsAnswer",
)

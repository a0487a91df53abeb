# generated from spec/openapi.yaml by `make generate`; do not edit
"""Contains all the data models used in inputs/outputs"""

from .access_token_request import AccessTokenRequest
from .access_token_response import AccessTokenResponse
from .command import Command
from .command_command_status import CommandCommandStatus
from .command_command_type import CommandCommandType
from .error_text_answer import ErrorTextAnswer
from .failure_reason import FailureReason
from .fill import Fill
from .fill_action import FillAction
from .liquidate_position_request import LiquidatePositionRequest
from .order import Order
from .order_action import OrderAction
from .order_ord_status import OrderOrdStatus
from .place_order_result import PlaceOrderResult
from .position import Position
from .time_penalty import TimePenalty
from .trade_date import TradeDate
from .violation import Violation
from .violations_answer import ViolationsAnswer

__all__ = (
    "AccessTokenRequest",
    "AccessTokenResponse",
    "Command",
    "CommandCommandStatus",
    "CommandCommandType",
    "ErrorTextAnswer",
    "FailureReason",
    "Fill",
    "FillAction",
    "LiquidatePositionRequest",
    "Order",
    "OrderAction",
    "OrderOrdStatus",
    "PlaceOrderResult",
    "Position",
    "TimePenalty",
    "TradeDate",
    "Violation",
    "ViolationsAnswer",
)

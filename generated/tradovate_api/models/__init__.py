# generated from spec/openapi.yaml by `make generate`; do not edit
"""Contains all the data models used in inputs/outputs"""

from .access_token_request import AccessTokenRequest
from .access_token_response import AccessTokenResponse
from .account import Account
from .cancel_order_request import CancelOrderRequest
from .command import Command
from .command_command_status import CommandCommandStatus
from .command_command_type import CommandCommandType
from .command_result import CommandResult
from .contract import Contract
from .error_text_answer import ErrorTextAnswer
from .failure_reason import FailureReason
from .fill import Fill
from .fill_action import FillAction
from .liquidate_position_request import LiquidatePositionRequest
from .liquidate_positions_request import LiquidatePositionsRequest
from .order import Order
from .order_action import OrderAction
from .order_ord_status import OrderOrdStatus
from .place_order_result import PlaceOrderResult
from .position import Position
from .simple_response import SimpleResponse
from .time_penalty import TimePenalty
from .trade_date import TradeDate
from .violation import Violation
from .violations_answer import ViolationsAnswer

__all__ = (
    "AccessTokenRequest",
    "AccessTokenResponse",
    "Account",
    "CancelOrderRequest",
    "Command",
    "CommandCommandStatus",
    "CommandCommandType",
    "CommandResult",
    "Contract",
    "ErrorTextAnswer",
    "FailureReason",
    "Fill",
    "FillAction",
    "LiquidatePositionRequest",
    "LiquidatePositionsRequest",
    "Order",
    "OrderAction",
    "OrderOrdStatus",
    "PlaceOrderResult",
    "Position",
    "SimpleResponse",
    "TimePenalty",
    "TradeDate",
    "Violation",
    "ViolationsAnswer",
)

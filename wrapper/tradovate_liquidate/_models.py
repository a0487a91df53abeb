"""The read answers' typed models, generated from spec/openapi.yaml, re-exported.

Loaded on first use (see __init__.py): importing them loads attrs and the models.
"""

from tradovate_api.models import Command, Fill, Order, Position, TradeDate

__all__ = ["Command", "Fill", "Order", "Position", "TradeDate"]

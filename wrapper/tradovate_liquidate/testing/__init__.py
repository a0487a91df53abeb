"""A fake Tradovate for tests: yours and ours.

    from tradovate_liquidate.testing import FakeTradovate

    fake = FakeTradovate()
    token = fake.issue_token()
    fake.add_position(account_id=100001, contract_id=3570918, net_pos=2)
    client = LiquidationClient(token=token, transport=fake.transport())   # in-process
    with fake.serve() as server:                                          # real HTTP
        client = LiquidationClient(token=token, base_url=server.base_url)

Importing tradovate_liquidate never imports this package; it needs only httpx and the
standard library, so it works in a vendored copy too.
"""

from ._auth import FakeAuth
from ._clock import ManualClock
from ._fake import FakeTradovate
from ._faults import Fault, FaultKind
from ._limits import RateLimit
from ._server import FakeServer
from ._transport import FakeTransport
from ._wire import OrderEvent, ReceivedRequest, Reply

__all__ = [
    "FakeAuth",
    "FakeServer",
    "FakeTradovate",
    "FakeTransport",
    "Fault",
    "FaultKind",
    "ManualClock",
    "OrderEvent",
    "RateLimit",
    "ReceivedRequest",
    "Reply",
]

"""Run fixed liquidation scenarios on one copy of the client; print the answers as JSON.

    python scenarios.py PREFIX     # PREFIX "" (installed) or "theirapp._vendor." (vendored)

Used by test_distribution.py to show that the source tree, a vendored copy and the wheel
answer alike. Needs nothing but the client, httpx and attrs.
"""

from __future__ import annotations

import importlib
import json
import sys

prefix = sys.argv[1]
client_module = importlib.import_module(f"{prefix}tradovate_liquidate")
imported_testing_early = f"{prefix}tradovate_liquidate.testing" in sys.modules
testing = importlib.import_module(f"{prefix}tradovate_liquidate.testing")

fake = testing.FakeTradovate()
token = fake.issue_token()
fake.add_position(account_id=1, contract_id=10, net_pos=2)
fake.add_position(account_id=2, contract_id=10, net_pos=1)
fake.set_account_status(2, "locked")
fake.add_position(account_id=3, contract_id=10, net_pos=-4)
fake.add_position(account_id=4, contract_id=10, net_pos=1)
fake.schedule(
    [None, None, testing.Fault.unknown_reason("NewReason"), testing.Fault.drop_connection()]
)

answers = []
with client_module.LiquidationClient(token, transport=fake.transport()) as client:
    for account in (1, 2, 3, 4):
        try:
            result = client.liquidate_position(account, 10)
            answers.append(["result", account, result.order_id])
        except client_module.TradovateError as error:
            answers.append(
                [
                    type(error).__name__,
                    account,
                    getattr(error, "reason", None),
                    getattr(error, "order_id", None),
                ]
            )
    with client_module.LiquidationClient("wrong-token", transport=fake.transport()) as other:
        try:
            other.liquidate_position(1, 10)
        except client_module.AuthenticationError as error:
            answers.append(["AuthenticationError", error.status_code])

top_level = sorted(
    name for name in sys.modules if name.split(".")[0] in ("tradovate_api", "tradovate_liquidate")
)
print(
    json.dumps(
        {
            "answers": answers,
            "testing_imported_by_package": imported_testing_early,
            "top_level": top_level,
        }
    )
)

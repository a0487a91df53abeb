"""A small book of accounts for the demo and for `python -m tradovate_liquidate.testing`."""

from __future__ import annotations

from ._fake import FakeTradovate

ES = 3570918  # an open session
NQ = 3570920  # an open session
CL = 3571002  # session closed

DEMO_ACCOUNTS = {
    100001: "active, long 3 of 3570918 with two working orders",
    100002: "active, short 2 of 3570920 with one working order",
    100003: "active, long 1 of 3570918 and long 4 of 3570920",
    100004: "trading locked, long 1 of 3570918",
    100005: "closed",
    100006: "active, long 2 of 3571002 (session closed)",
}


def add_demo_book(fake: FakeTradovate) -> str:
    """Add the demo accounts and positions; returns a description of them."""
    fake.add_contract(ES, symbol="ESZ6")
    fake.add_contract(NQ, symbol="NQZ6")
    fake.add_contract(CL, session_open=False, symbol="CLF7")
    fake.add_position(account_id=100001, contract_id=ES, net_pos=3)
    fake.add_working_order(account_id=100001, contract_id=ES, side="Sell", qty=3)
    fake.add_working_order(account_id=100001, contract_id=ES, side="Buy", qty=1)
    fake.add_position(account_id=100002, contract_id=NQ, net_pos=-2)
    fake.add_working_order(account_id=100002, contract_id=NQ, side="Buy", qty=2)
    fake.add_position(account_id=100003, contract_id=ES, net_pos=1)
    fake.add_position(account_id=100003, contract_id=NQ, net_pos=4)
    fake.add_position(account_id=100004, contract_id=ES, net_pos=1)
    fake.set_account_status(100004, "locked")
    fake.add_account(100005, status="closed")
    fake.add_position(account_id=100006, contract_id=CL, net_pos=2)
    lines = [f"  {account}: {what}" for account, what in DEMO_ACCOUNTS.items()]
    return "demo book:\n" + "\n".join(lines)

"""python -m tradovate_liquidate.testing: serve a fake Tradovate on loopback until Ctrl-C.

Prints the base URL (and nothing else) on stdout's first line, so scripts can read it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from ._auth import FakeAuth
from ._book import add_demo_book
from ._fake import FakeTradovate
from ._faults import Fault
from ._limits import RateLimit

FAULTS = {
    "server_error": Fault.server_error(),
    "html_error": Fault.html_error(),
    "drop_connection": Fault.drop_connection(),
    "malformed_json": Fault.malformed_json(),
    "unknown_reason": Fault.unknown_reason(),
    "error_text": Fault.error_text(),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tradovate_liquidate.testing", description=__doc__
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--token", action="append", default=[], help="an access token to accept")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD",
        help="a user who may sign in (default: demo:demo); the fake's own, never a real one",
    )
    parser.add_argument(
        "--token-lifetime", type=float, default=90 * 60.0, help="seconds a signed-in token lives"
    )
    parser.add_argument(
        "--displaced-status",
        type=int,
        choices=(408, 429, 500),
        default=408,
        help="what the token of a session closed by a third sign-in gets",
    )
    parser.add_argument("--empty", action="store_true", help="start with no accounts or positions")
    parser.add_argument(
        "--positions",
        metavar="ACCOUNT:CONTRACT:NETPOS,...",
        help="hold these positions (e.g. 123:3570918:2,123:3570919:-1) instead of the demo book",
    )
    parser.add_argument(
        "--open-book", action="store_true", help="every account active, every position one lot"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds from each request to its answer"
    )
    parser.add_argument("--budget", type=int, help="requests per hour before time penalties")
    parser.add_argument("--penalty-seconds", type=int, default=1, help="p-time of a penalty")
    parser.add_argument("--lock-out", action="store_true", help="answer every request 429")
    parser.add_argument(
        "--fault", choices=sorted(FAULTS), help="inject this fault into every request"
    )
    parser.add_argument(
        "--fault-once",
        action="append",
        default=[],
        choices=sorted(FAULTS),
        metavar="FAULT",
        help="inject this fault into the next liquidation only (repeatable: one each, in order)",
    )
    parser.add_argument(
        "--symbols",
        metavar="CONTRACT:SYMBOL,...",
        help="name contracts for /contract/items (e.g. 3570918:ESZ6); default C<id>",
    )
    return parser


def _arm(fake: FakeTradovate, args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Faults and contract symbols, as the command line asks."""
    if args.fault:
        fake.inject(FAULTS[args.fault], times=None)
    fake.schedule(FAULTS[name] for name in args.fault_once)
    for pair in args.symbols.split(",") if args.symbols else ():
        contract, _, symbol = pair.partition(":")
        if not contract.strip().isdigit() or not symbol.strip():
            parser.error(f"--symbols {pair}: expected CONTRACT:SYMBOL")
        fake.add_contract(int(contract), symbol=symbol.strip())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    limit = (
        RateLimit(args.budget, penalty_seconds=args.penalty_seconds)
        if args.budget is not None
        else None
    )
    auth = FakeAuth(token_lifetime=args.token_lifetime, displaced_status=args.displaced_status)
    fake = FakeTradovate(
        rate_limit=limit, latency=args.latency, open_book=args.open_book, auth=auth
    )
    for user in args.user or ["demo:demo"]:
        name, _, password = user.partition(":")
        if not name or not password:
            parser.error(f"--user {name}:...: expected NAME:PASSWORD")
        auth.add_user(name, password)
    if not args.user:
        print("user: demo, password: demo", file=sys.stderr)
    for token in args.token:
        fake.accept_token(token)
    if args.lock_out:
        fake.lock_out()
    _arm(fake, args, parser)
    if not args.token:
        print(f"token: {fake.issue_token()}", file=sys.stderr)
    if args.positions is not None:
        try:
            fake.add_positions(args.positions)
        except ValueError as exc:
            parser.error(f"--positions: {exc}")
    elif not args.empty:
        print(add_demo_book(fake), file=sys.stderr)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    server = fake.serve(args.host, args.port)
    print(server.base_url, flush=True)
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        placed = len(fake.placed)
        cancelled = len(fake.orders) - placed
        print(
            f"stopped after {len(fake.requests)} requests: {placed} closing orders placed, "
            f"{cancelled} working orders cancelled",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

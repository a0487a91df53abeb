"""The fake, seeded with many accounts, in its own process, for bench/accounts.py.

Run as `python -m bench.accountserver --latency 0.02 --open 500 --flat 500 --token T`.
It prints its base URL on stdout's first line and serves until its stdin is closed; then
it prints one JSON line: the requests it received by "METHOD /path", every seeded
position that does not read 0, and the CPU seconds it spent serving (to tell whether the
fake set the pace). The benchmark trusts these, not the client's own account.

Open accounts hold CONTRACTS (2 lots long on the first, 1 short on the second); flat
accounts hold a row with netPos 0 on the first (as Tradovate keeps a row closed during the
day). Accounts alternate open, flat, open... from FIRST_ACCOUNT, so every ldeps chunk
holds both kinds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

from tradovate_liquidate.testing import FakeTradovate

FIRST_ACCOUNT = 200_001
CONTRACTS = ((3570918, 2), (3570919, -1))


def accounts(open_count: int, flat_count: int) -> tuple[list[int], list[int]]:
    """The ids of the open and of the flat accounts, interleaved from FIRST_ACCOUNT."""
    ids = range(FIRST_ACCOUNT, FIRST_ACCOUNT + open_count + flat_count)
    open_ids = [a for i, a in enumerate(ids) if i % 2 == 0 and i // 2 < open_count]
    taken = set(open_ids)
    return open_ids, [a for a in ids if a not in taken]


def seeded(open_count: int, flat_count: int, latency: float) -> FakeTradovate:
    fake = FakeTradovate(latency=latency)
    open_ids, flat_ids = accounts(open_count, flat_count)
    fake.add_positions([(a, contract, lots) for a in open_ids for contract, lots in CONTRACTS])
    fake.add_positions([(a, CONTRACTS[0][0], 0) for a in flat_ids])
    return fake


def report(fake: FakeTradovate, open_count: int, flat_count: int) -> dict[str, object]:
    requests = Counter(f"{r.method} {r.path.removeprefix('/v1')}" for r in fake.requests)
    ids = range(FIRST_ACCOUNT, FIRST_ACCOUNT + open_count + flat_count)
    not_flat = [
        [a, contract, fake.position(a, contract)]
        for a in ids
        for contract, _ in CONTRACTS
        if fake.position(a, contract) != 0
    ]
    return {"requests": dict(requests), "not_flat": not_flat}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accountserver")
    parser.add_argument("--latency", type=float, required=True)
    parser.add_argument("--open", type=int, required=True)
    parser.add_argument("--flat", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    fake = seeded(args.open, args.flat, args.latency)
    fake.accept_token(args.token)
    with fake.serve() as server:
        print(server.base_url, flush=True)
        started = time.process_time()
        sys.stdin.read()  # until the benchmark closes it
        cpu = time.process_time() - started
    print(json.dumps({**report(fake, args.open, args.flat), "cpu": cpu}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

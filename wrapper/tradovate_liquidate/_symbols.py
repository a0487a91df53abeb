"""Contract symbols for display: `GET /contract/items`, SYMBOLS_CHUNK ids a read. Steps only.

Only the command line uses them, to name contracts in its table (3570918 is ESZ6). A
read for display must never stop or delay an emergency exit: the command reads symbols
after the liquidations (or in a dry run), and shows bare ids when this read fails.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._accounts_steps import chunks
from ._policy import Policy
from ._reads import rows_steps
from ._steps import Steps

#: Ids per read: as for /position/ldeps (see _accounts_steps), 100 ids keep the query
#: near 2 KB, well below common URL limits.
SYMBOLS_CHUNK = 100


def symbols_steps(policy: Policy, contract_ids: Iterable[int]) -> Steps[dict[int, str]]:
    """Contract id -> symbol (the Contract's `name`) for every id the server knows."""
    from tradovate_api.api.contract import CONTRACT_ITEMS
    from tradovate_api.models import Contract

    # Display only: a time penalty or a refused connection ends the read at once (bare
    # ids), never a wait; so it adds at most 3 tries of one deadline to a run (README,
    # "How long can a run take").
    display = policy._replace(max_penalty_wait=0.0, connect_retries=0)
    symbols: dict[int, str] = {}
    for chunk in chunks(sorted(set(contract_ids)), SYMBOLS_CHUNK):
        rows = yield from rows_steps(display, CONTRACT_ITEMS, {"ids": chunk}, Contract, {})
        for row in rows:
            if isinstance(row.id, int) and isinstance(row.name, str):
                symbols[row.id] = row.name
    return symbols

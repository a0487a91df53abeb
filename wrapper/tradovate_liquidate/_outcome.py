"""One liquidation from start to a known outcome: check pending, send, verify, confirm.

- A pending target (see _pending.py) is read before anything is sent: if one of our
  orders (carrying any tag sent for it) is still working it is returned and nothing is
  sent; if the reads fail, OutcomeUnknownError and nothing is sent; when nothing of ours
  works (filled, dead or never seen), the entry is settled and the request goes out as
  a first one's would (cancelling working orders placed since).
- An uncertain answer is settled from the server's records (_verify.py).
- With verification on, every send carries a customTag50: the caller's custom_tag, or
  the client's own (INTERNAL_TAG_PREFIX and random digits), so that our order is told
  apart from any other program's exactly.
- confirm=True then waits for the position to read 0.

The success path sends the one POST and nothing else.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

from ._exceptions import LiquidationRejected, NotFlatError, OutcomeUnknownError, TradovateError
from ._pending import Key, Pending, PendingTargets
from ._policy import Policy, liquidation_steps
from ._result import LiquidationResult
from ._steps import Steps
from ._verify import (
    DEAD_STATUSES,
    DONE_STATUSES,
    Anchor,
    Target,
    Verdict,
    Verification,
    dated,
    flat_steps,
    judge,
    read_failure,
    settle_steps,
    snapshot_steps,
    status_of,
)

if TYPE_CHECKING:
    from tradovate_api.models import LiquidatePositionRequest

#: The start of the customTag50 the client sends when the caller gave none: "tl-" and 16
#: random hex digits, 19 characters (the vendor allows 64). A caller's tag always wins.
INTERNAL_TAG_PREFIX = "tl-"


def outcome_steps(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    body: LiquidatePositionRequest,
    confirm: bool,
) -> Steps[LiquidationResult]:
    key = (body.account_id, body.contract_id)
    if not verification.enabled:
        return (yield from liquidation_steps(policy, body))
    entry = pending.get(key)
    result = None
    if entry is not None:
        result = yield from _check_pending(policy, verification, pending, key, entry)
        entry = pending.get(key)  # the check drops an entry whose order is settled
    if result is None:
        body = _tagged(body, entry)
        sent: str = body.custom_tag_50  # type: ignore[assignment]
        # An order of an earlier send still pending may land now too: any of its tags.
        tags = (() if entry is None else entry.tags) + (sent,)
        target = Target(body.account_id, body.contract_id, tuple(dict.fromkeys(tags)))
        result = yield from _send_and_settle(policy, verification, pending, body, target, sent)
    if result.flat or (result.verified and _filled(result)):
        pending.clear(key)
    if confirm and (result.flat is not True or result.order_id is not None):
        timeout = verification.flat_timeout
        yield from _after_sending(
            flat_steps(policy, verification, *key, timeout, result.order_id), key
        )
        pending.clear(key)
    if confirm:
        result = dataclasses.replace(result, verified=True, flat=True)
    return result


def _tagged(body: LiquidatePositionRequest, entry: Pending | None) -> LiquidatePositionRequest:
    """The body with a customTag50: the caller's, else the pending send's, else our own.

    Without a tag, another program's closing order placed just before ours could pass
    for ours; with one, verification matches our order exactly (/command/deps). A caller's
    tag always wins, also on a retry of a pending target under another tag: the entry
    keeps every tag sent (_pending.py), and the checks look for an order with any of them.
    """
    if isinstance(body.custom_tag_50, str):
        return body
    import attrs

    reused = entry.tags[0] if entry is not None and entry.tags else None
    return attrs.evolve(body, custom_tag_50=reused or own_tag())


def own_tag() -> str:
    """A customTag50 of the client's own: 19 characters of the vendor's 64."""
    return INTERNAL_TAG_PREFIX + os.urandom(8).hex()


def _send_and_settle(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    body: LiquidatePositionRequest,
    target: Target,
    sent: str,
) -> Steps[LiquidationResult]:
    key = (target.account_id, target.contract_id)
    anchor = Anchor(verification.now(), verification.now)
    try:
        answered = yield from dated(liquidation_steps(policy, body), anchor)
    except GeneratorExit:
        # The driver left mid-send (a cancelled caller, Ctrl-C, a bug) and closed these
        # steps: the request may have reached the server, so the next call reads first.
        pending.add(key, anchor.since(), None, sent)
        raise
    except (OutcomeUnknownError, LiquidationRejected) as exc:
        hint = exc.order_id if isinstance(exc, LiquidationRejected) else None
        if isinstance(exc, LiquidationRejected) and hint is None and _known(exc.reason):
            raise  # a refusal the spec knows, without an order: certain, nothing was done
        pending.add(key, anchor.since(), hint, sent)
        target = target._replace(order_hint=hint)
        return (yield from _settle(policy, verification, pending, target, anchor, exc))
    known = answered.order_id is not None
    pending.add(key, anchor.since(), answered.order_id, sent, answered=known)
    if known:
        return answered  # Success with its order: the answer decides, no read is spent
    cause = OutcomeUnknownError(
        "the server answered Success without an orderId",
        account_id=target.account_id,
        contract_id=target.contract_id,
    )
    return (yield from _settle(policy, verification, pending, target, anchor, cause))


def _settle(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    target: Target,
    anchor: Anchor,
    cause: TradovateError,
) -> Steps[LiquidationResult]:
    verdict, net_pos = yield from settle_steps(policy, verification, target, anchor, cause)
    result = _result(target, verdict, net_pos)
    pending.add((target.account_id, target.contract_id), anchor.since(), result.order_id)
    return result


def _check_pending(
    policy: Policy, verification: Verification, pending: PendingTargets, key: Key, entry: Pending
) -> Steps[LiquidationResult | None]:
    """Our order since the first send if one is still working (nothing is sent); else
    None, with the entry dropped: ours is filled or dead, or never appeared, so the call
    sends as a first one would (and cancels the working orders placed since)."""
    if entry.problem is not None:
        raise OutcomeUnknownError(
            f"an earlier liquidation of this position may be unsettled, but {entry.problem}; "
            "nothing was sent. Check the position's orders, then remove that entry.",
            account_id=key[0],
            contract_id=key[1],
        )
    # Our orders carry the tags sent since the first send (none: an untagged old entry).
    hinted = Target(*key, tags=entry.tags, order_hint=entry.order_id)
    anchor = Anchor(entry.since, verification.now, server=entry.since)
    try:
        snapshot = yield from snapshot_steps(policy, hinted, anchor)
    except TradovateError as exc:
        # Whatever stopped the reads (a lockout, a refused token), the earlier send's
        # outcome is what is unknown: exit 4, the stopping error kept as __cause__.
        raise OutcomeUnknownError(
            "an earlier liquidation of this position is unsettled, and reading the server's "
            f"records failed ({read_failure(exc)}); nothing was sent. Try again once reads work.",
            response=exc.response,
            account_id=key[0],
            contract_id=key[1],
        ) from exc
    verdict = judge(snapshot)
    if verdict.kind == "ambiguous" or snapshot.unchecked:
        raise OutcomeUnknownError(
            "an earlier liquidation of this position is unsettled and "
            f"{len(snapshot.candidates) + snapshot.unchecked} orders could be its closing "
            "order; nothing was sent. Check the account's orders.",
            account_id=key[0],
            contract_id=key[1],
        )
    if not any(status_of(o) not in DONE_STATUSES | DEAD_STATUSES for o in snapshot.candidates):
        pending.clear(key)  # settled: nothing of ours can still fill
        return None
    return _result(hinted, verdict, snapshot.net_pos)  # ours works: never a second one


def _result(target: Target, verdict: Verdict, net_pos: int) -> LiquidationResult:
    order = verdict.order
    order_id = order.id if order is not None and isinstance(order.id, int) else None
    raw = {} if order is None else order.to_dict()
    return LiquidationResult(
        target.account_id, target.contract_id, order_id, raw, verified=True, flat=net_pos == 0
    )


def _after_sending(steps: Steps[None], key: Key) -> Steps[None]:
    """`steps` (reads after our order may exist), any error of theirs an unknown outcome."""
    try:
        return (yield from steps)
    except (OutcomeUnknownError, NotFlatError):
        raise
    except TradovateError as exc:
        raise OutcomeUnknownError(
            "the liquidation was sent, but waiting for the position to read 0 stopped: the "
            f"reads failed ({read_failure(exc)}). Check the position before liquidating again.",
            response=exc.response,
            account_id=key[0],
            contract_id=key[1],
        ) from exc


def _filled(result: LiquidationResult) -> bool:
    return result.raw.get("ordStatus") in DONE_STATUSES


def _known(reason: str) -> bool:
    from ._reasons import KNOWN_FAILURE_REASONS

    return reason in KNOWN_FAILURE_REASONS

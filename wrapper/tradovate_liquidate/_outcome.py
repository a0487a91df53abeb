"""One liquidation from start to a known outcome: check pending, send, verify, confirm.

- A pending target (see _pending.py) is read before anything is sent: if one of our
  orders appeared since its first send it is returned and nothing is sent; if the reads
  fail, OutcomeUnknownError and nothing is sent; only when the records show nothing of
  ours working does the request go out.
- An uncertain answer is settled from the server's records (_verify.py).
- confirm=True then waits for the position to read 0.

The success path sends the one POST and nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ._exceptions import LiquidationRejected, OutcomeUnknownError, TradovateError
from ._pending import Pending, PendingTargets
from ._policy import Policy, liquidation_steps
from ._result import LiquidationResult
from ._steps import Steps
from ._verify import (
    DONE_STATUSES,
    Target,
    Verdict,
    Verification,
    flat_steps,
    judge,
    settle_steps,
    snapshot_steps,
    status_of,
)

if TYPE_CHECKING:
    from tradovate_api.models import LiquidatePositionRequest


def outcome_steps(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    body: LiquidatePositionRequest,
    confirm: bool,
) -> Steps[LiquidationResult]:
    tag = body.custom_tag_50 if isinstance(body.custom_tag_50, str) else None
    target = Target(body.account_id, body.contract_id, tag)
    key = (body.account_id, body.contract_id)
    if not verification.enabled:
        return (yield from liquidation_steps(policy, body))
    entry = pending.get(key)
    result = None if entry is None else (yield from _check_pending(policy, target, entry))
    if result is None:
        result = yield from _send_and_settle(policy, verification, pending, body, target)
    if result.flat or (result.verified and _filled(result)):
        pending.clear(key)
    if confirm and (result.flat is not True or result.order_id is not None):
        timeout = verification.flat_timeout
        yield from flat_steps(policy, verification, *key, timeout, result.order_id)
        pending.clear(key)
    if confirm:
        result = dataclasses.replace(result, verified=True, flat=True)
    return result


def _send_and_settle(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    body: LiquidatePositionRequest,
    target: Target,
) -> Steps[LiquidationResult]:
    key = (target.account_id, target.contract_id)
    sent_at = verification.now()
    try:
        answered = yield from liquidation_steps(policy, body)
    except (OutcomeUnknownError, LiquidationRejected) as exc:
        hint = exc.order_id if isinstance(exc, LiquidationRejected) else None
        if isinstance(exc, LiquidationRejected) and hint is None and _known(exc.reason):
            raise  # a refusal the spec knows, without an order: certain, nothing was done
        pending.add(key, sent_at, hint, target.custom_tag)
        return (
            yield from _settle(
                policy, verification, pending, target._replace(order_hint=hint), sent_at, exc
            )
        )
    pending.add(key, sent_at, answered.order_id, target.custom_tag)
    if answered.order_id is not None:
        return answered  # Success with its order: the answer decides, no read is spent
    cause = OutcomeUnknownError(
        "the server answered Success without an orderId",
        account_id=target.account_id,
        contract_id=target.contract_id,
    )
    return (yield from _settle(policy, verification, pending, target, sent_at, cause))


def _settle(
    policy: Policy,
    verification: Verification,
    pending: PendingTargets,
    target: Target,
    since: float,
    cause: TradovateError,
) -> Steps[LiquidationResult]:
    verdict, net_pos = yield from settle_steps(policy, verification, target, since, cause)
    result = _result(target, verdict, net_pos)
    pending.add((target.account_id, target.contract_id), since, result.order_id)
    return result


def _check_pending(
    policy: Policy, target: Target, entry: Pending
) -> Steps[LiquidationResult | None]:
    """Our order since the first send, if one is working or settled the position; else None."""
    # Our order carries the first send's tag (or none), whatever this call's tag is.
    hinted = target._replace(order_hint=entry.order_id, custom_tag=entry.tag)
    try:
        snapshot = yield from snapshot_steps(policy, hinted, entry.since)
    except OutcomeUnknownError as exc:
        raise OutcomeUnknownError(
            "an earlier liquidation of this position is unsettled, and reading the server's "
            f"records failed ({exc.message}); nothing was sent. Try again once reads work.",
            response=exc.response,
            account_id=target.account_id,
            contract_id=target.contract_id,
        ) from exc
    verdict = judge(snapshot)
    if verdict.kind == "ambiguous":
        raise OutcomeUnknownError(
            f"an earlier liquidation of this position is unsettled and {len(snapshot.candidates)} "
            "orders could be its closing order; nothing was sent. Check the account's orders.",
            account_id=target.account_id,
            contract_id=target.contract_id,
        )
    if verdict.kind != "done":
        return None
    order = verdict.order
    if order is not None and snapshot.net_pos != 0 and status_of(order) in DONE_STATUSES:
        return None  # ours filled and nothing of ours works: the position is new, send
    return _result(hinted, verdict, snapshot.net_pos)


def _result(target: Target, verdict: Verdict, net_pos: int) -> LiquidationResult:
    order = verdict.order
    order_id = order.id if order is not None and isinstance(order.id, int) else None
    raw = {} if order is None else order.to_dict()
    return LiquidationResult(
        target.account_id, target.contract_id, order_id, raw, verified=True, flat=net_pos == 0
    )


def _filled(result: LiquidationResult) -> bool:
    return result.raw.get("ordStatus") in DONE_STATUSES


def _known(reason: str) -> bool:
    from ._reasons import KNOWN_FAILURE_REASONS

    return reason in KNOWN_FAILURE_REASONS

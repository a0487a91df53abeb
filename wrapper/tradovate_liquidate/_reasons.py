"""The failureReason values the spec knows (loaded on first use: it imports the models)."""

from tradovate_api.models import FailureReason

#: Every failureReason the spec knows; the server may send others.
KNOWN_FAILURE_REASONS: frozenset[str] = frozenset(reason.value for reason in FailureReason)

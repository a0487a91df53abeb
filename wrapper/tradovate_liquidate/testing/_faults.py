"""Faults the fake can inject into its answers, one request at a time or as a schedule."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any


class FaultKind(enum.Enum):
    DELAY = "delay"
    SERVER_ERROR = "server_error"
    HTML_ERROR = "html_error"
    DROP_AFTER_READ = "drop_after_read"
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_REASON = "unknown_reason"
    ERROR_TEXT = "error_text"
    VIOLATIONS = "violations"
    DROP_BEFORE_ACTING = "drop_before_acting"
    LATE_ACTION = "late_action"
    READ_ERROR = "read_error"
    EXTRA_FIELDS = "extra_fields"


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour. Build it with the class methods, not the constructor.

    Faults that end in an answer the client cannot trust (DELAY beyond the client's
    timeout, DROP_AFTER_READ, SERVER_ERROR, HTML_ERROR, MALFORMED_JSON, UNKNOWN_REASON)
    happen *after* the fake processed the request, as on a real server that acted and
    then failed to answer: the order log shows whether the position was flattened.
    ERROR_TEXT and VIOLATIONS are business rejections: nothing is done. DROP_BEFORE_ACTING
    closes the connection before anything is done; LATE_ACTION does nothing in time (the
    client times out) and acts `seconds` later. These act on liquidation requests only;
    READ_ERROR acts on the reads (GET) only.
    """

    kind: FaultKind
    seconds: float = 0.0
    status: int = 200
    text: str = ""
    fields: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, but only after `seconds`."""
        return cls(FaultKind.DELAY, seconds=seconds)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """Act, then answer `status` with a plain-text body."""
        return cls(FaultKind.SERVER_ERROR, status=status)

    @classmethod
    def html_error(cls, status: int = 520) -> Fault:
        """Act, then answer a non-standard status with an HTML page, as a proxy would."""
        return cls(FaultKind.HTML_ERROR, status=status)

    @classmethod
    def drop_connection(cls) -> Fault:
        """Read and act on the request, then close the connection without answering."""
        return cls(FaultKind.DROP_AFTER_READ)

    @classmethod
    def malformed_json(cls) -> Fault:
        """Act, then answer 200 with a body cut off in the middle of its JSON."""
        return cls(FaultKind.MALFORMED_JSON)

    @classmethod
    def unknown_reason(cls, reason: str = "BrandNewReason") -> Fault:
        """Act, then report a failureReason that is not in the spec (with the orderId)."""
        return cls(FaultKind.UNKNOWN_REASON, text=reason)

    @classmethod
    def error_text(cls, text: str = "Access is denied") -> Fault:
        """Do nothing; answer 200 with {"errorText": text, "ok": false}."""
        return cls(FaultKind.ERROR_TEXT, text=text)

    @classmethod
    def violations(cls, description: str = "must be a known account") -> Fault:
        """Do nothing; answer 200 with a one-item violations list."""
        return cls(FaultKind.VIOLATIONS, text=description)

    @classmethod
    def drop_before_acting(cls) -> Fault:
        """Close the connection without answering and without doing anything."""
        return cls(FaultKind.DROP_BEFORE_ACTING)

    @classmethod
    def late_action(cls, seconds: float) -> Fault:
        """Answer nothing in time (the client times out); act `seconds` later, by the fake's
        clock. The closing order is sized when it is placed, as the server would."""
        return cls(FaultKind.LATE_ACTION, seconds=seconds)

    @classmethod
    def read_error(cls, status: int = 500) -> Fault:
        """A read (GET) answers `status` with a plain-text body; it changes nothing."""
        return cls(FaultKind.READ_ERROR, status=status)

    @property
    def on_reads(self) -> bool:
        return self.kind is FaultKind.READ_ERROR

    @classmethod
    def extra_fields(cls, **fields: Any) -> Fault:
        """Act, then add these fields to the 200 answer (a server newer than the spec)."""
        return cls(FaultKind.EXTRA_FIELDS, fields=tuple(fields.items()))

    def rewrite(self, body: bytes) -> bytes:
        """A 200 answer as an UNKNOWN_REASON or EXTRA_FIELDS fault changes it."""
        answer = json.loads(body)
        if self.kind is FaultKind.EXTRA_FIELDS:
            answer.update(self.fields)
        elif "failureReason" in answer:
            answer["failureReason"] = self.text
            answer.setdefault("failureText", f"{self.text}: a reason newer than the spec")
        return json.dumps(answer).encode()

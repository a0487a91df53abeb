# generated from spec/openapi.yaml by `make generate`; do not edit
from enum import StrEnum


class CommandCommandStatus(StrEnum):
    ATEXECUTION = "AtExecution"
    EXECUTIONREJECTED = "ExecutionRejected"
    EXECUTIONSTOPPED = "ExecutionStopped"
    EXECUTIONSUSPENDED = "ExecutionSuspended"
    ONHOLD = "OnHold"
    PENDING = "Pending"
    PENDINGEXECUTION = "PendingExecution"
    REPLACED = "Replaced"
    RISKPASSED = "RiskPassed"
    RISKREJECTED = "RiskRejected"

    def __str__(self) -> str:
        return str(self.value)

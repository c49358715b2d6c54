"""SQLModel tables and enums of a workspace."""

from workbench.models.enums import (
    ArtifactKind,
    ArtifactStatus,
    Decision,
    EventKind,
    EventStatus,
    FindingSeverity,
    FindingStatus,
)
from workbench.models.tables import (
    Approval,
    Artifact,
    ArtifactLink,
    AuditLogEntry,
    DraftBuffer,
    EventException,
    EventLink,
    Finding,
    Person,
    PlannerEvent,
    Version,
    WorkspaceProfile,
    utc_now,
)

__all__ = [
    "Approval",
    "Artifact",
    "ArtifactKind",
    "ArtifactLink",
    "ArtifactStatus",
    "AuditLogEntry",
    "Decision",
    "DraftBuffer",
    "EventException",
    "EventKind",
    "EventLink",
    "EventStatus",
    "Finding",
    "FindingSeverity",
    "FindingStatus",
    "Person",
    "PlannerEvent",
    "Version",
    "WorkspaceProfile",
    "utc_now",
]

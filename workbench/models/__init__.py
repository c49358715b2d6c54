"""SQLModel tables and enums of a workspace."""

from workbench.models.enums import (
    ArtifactKind,
    ArtifactStatus,
    Decision,
    EventKind,
    EventStatus,
)
from workbench.models.tables import (
    Approval,
    Artifact,
    ArtifactLink,
    AuditLogEntry,
    DraftBuffer,
    EventLink,
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
    "EventKind",
    "EventLink",
    "EventStatus",
    "Person",
    "PlannerEvent",
    "Version",
    "WorkspaceProfile",
    "utc_now",
]

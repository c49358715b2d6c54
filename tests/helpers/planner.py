"""Planner events for tests, with the defaults most tests share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from workbench.models import EventKind
from workbench.services.planner import events
from workbench.services.planner.drafts import EventDraft
from workbench.services.store.workspace import Workspace

ACTOR = "Mara Tester"


def create_event(workspace: Workspace, **fields: Any) -> int:
    """Create an internal audit (or whatever ``fields`` say) and return its id."""
    values: dict[str, Any] = {
        "kind": EventKind.INTERNAL_AUDIT,
        "title": "Internal audit",
        "start": datetime(2027, 1, 15, 9, tzinfo=UTC),
    }
    values.update(fields)
    (event_id,) = events.create_event(workspace, EventDraft(**values), actor=ACTOR).events
    return event_id

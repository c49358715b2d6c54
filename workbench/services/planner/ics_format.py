"""What export and import of iCalendar files share: product id, UID prefixes, our X- properties."""

from __future__ import annotations

from workbench.models import EventKind
from workbench.services.planner.drafts import (
    PlannerError,
)

PRODID = "-//GRC Workbench//Planner//EN"
REVIEW_UID_PREFIX = "artifact-review-"
X_KIND = "X-WORKBENCH-KIND"
X_STATUS = "X-WORKBENCH-STATUS"
X_OUTCOME = "X-WORKBENCH-OUTCOME"
X_REFS = "X-WORKBENCH-REFS"
# Words in a summary that tell an imported event's kind, most specific first.
KIND_HINTS: tuple[tuple[str, EventKind], ...] = (
    ("stage 1", EventKind.STAGE_1),
    ("stage 2", EventKind.STAGE_2),
    ("recertification", EventKind.RECERTIFICATION),
    ("surveillance", EventKind.SURVEILLANCE),
    ("internal audit", EventKind.INTERNAL_AUDIT),
    ("management review", EventKind.MANAGEMENT_REVIEW),
    ("review", EventKind.DOCUMENT_REVIEW),
    ("training", EventKind.TRAINING),
    ("awareness", EventKind.TRAINING),
)


# What the parser raises on a malformed file (AttributeError: components nested where
# they do not belong).
READ_ERRORS = (ValueError, IndexError, KeyError, TypeError, AttributeError)


class IcsError(PlannerError):
    """A calendar file cannot be imported; ``str(error)`` says why, in one sentence."""

"""What export and import of iCalendar files share: product id, UID prefixes, our X- properties."""

from __future__ import annotations

from workbench.models import EventKind
from workbench.services.planner.drafts import (
    PlannerError,
)

PRODID = "-//GRC Workbench//Planner//EN"
REVIEW_UID_PREFIX = "artifact-review-"
# Dates the records keep, exported as one-day events (UID: prefix, record id, @UID_DOMAIN).
RISK_ACTION_UID_PREFIX = "risk-action-"
ACCEPTANCE_UID_PREFIX = "risk-acceptance-"  # the risk's id: the newest acceptance moves it
PLAN_APPROVAL_UID_PREFIX = "risk-plan-approval-"
CONTROL_UID_PREFIX = "control-target-"
EVIDENCE_UID_PREFIX = "evidence-expiry-"
# What import says of an exported date it leaves to the record it comes from.
DERIVED_UIDS: tuple[tuple[str, str], ...] = (
    (REVIEW_UID_PREFIX, "is a review date from a workbench register; review dates come from "
     "the artifacts"),
    (RISK_ACTION_UID_PREFIX, "is a risk treatment action's due date from a workbench; due "
     "dates come from the risks' actions"),
    (ACCEPTANCE_UID_PREFIX, "is a risk acceptance's expiry from a workbench; expiries come "
     "from the signed acceptances"),
    (PLAN_APPROVAL_UID_PREFIX, "is a treatment plan approval's expiry from a workbench; "
     "expiries come from the signed approvals"),
    (CONTROL_UID_PREFIX, "is a control's target date from a workbench; target dates come from "
     "the control records"),
    (EVIDENCE_UID_PREFIX, "is an evidence expiry from a workbench; expiries come from the "
     "evidence records"),
)  # fmt: skip
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

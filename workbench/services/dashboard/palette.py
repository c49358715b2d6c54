"""The dashboard's colours, shared by the pane, the PDF and the SVG, so all three agree."""

from __future__ import annotations

IMPLEMENTED = "#2e8b57"
PARTIAL = "#e0a030"
PLANNED = "#7fa7d9"
REMAINING = "#dde3ea"
APPROVED = "#2e8b57"
IN_REVIEW = "#e0a030"
DRAFT = "#b8c0cc"
TEXT = "#1d1d1f"
MUTED = "#5f6670"
WARNING = "#b3261e"
OK = "#1e6b35"

PROGRESS_PARTS = (("implemented", IMPLEMENTED), ("partial", PARTIAL), ("planned", PLANNED))
STATE_COLOURS = {"approved": APPROVED, "in review": IN_REVIEW, "draft": DRAFT}

"""The Dashboard pane: readiness charts, what needs attention, the one-page readiness PDF."""

"""The themes controls are grouped by, with the words the SoA and the dashboard use."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.models import ControlReason, ControlSource, ControlStatus

ANNEX_A_PACK = "ISO27001:2022"
PRIVACY_PACK = "ISO27701:2019"
CUSTOM_PREFIX = "custom/"


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    clause: str  # "A.5" for the organizational controls, "" for groups outside Annex A


ANNEX_A_THEMES = (
    Theme("organizational", "Organizational controls", "A.5"),
    Theme("people", "People controls", "A.6"),
    Theme("physical", "Physical controls", "A.7"),
    Theme("technological", "Technological controls", "A.8"),
)
PRIVACY_THEMES = (
    Theme("controller", "Privacy controls for PII controllers", "27701 A"),
    Theme("processor", "Privacy controls for PII processors", "27701 B"),
)
CUSTOM_THEME = Theme("custom", "Additional controls", "")
THEMES = {theme.key: theme for theme in (*ANNEX_A_THEMES, *PRIVACY_THEMES, CUSTOM_THEME)}

STATUS_LABELS = {
    ControlStatus.NOT_STARTED: "Not started",
    ControlStatus.PLANNED: "Planned",
    ControlStatus.PARTIAL: "Partially implemented",
    ControlStatus.IMPLEMENTED: "Implemented",
}
REASON_LABELS = {
    ControlReason.RISK: "Risk treatment",
    ControlReason.LEGAL: "Legal or regulatory",
    ControlReason.CONTRACT: "Contractual",
    ControlReason.BUSINESS: "Business requirement or good practice",
}
# The codes the SoA template taught consultants (RA, LR, CO, BP), kept for the tables.
REASON_CODES = {
    ControlReason.RISK: "RA",
    ControlReason.LEGAL: "LR",
    ControlReason.CONTRACT: "CO",
    ControlReason.BUSINESS: "BP",
}
SOURCE_LABELS = {
    ControlSource.ANNEX_A: "ISO/IEC 27001:2022 Annex A",
    ControlSource.PRIVACY: "ISO/IEC 27701:2019",
    ControlSource.CUSTOM: "Custom",
}


def theme_label(key: str) -> str:
    theme = THEMES.get(key)
    return theme.label if theme else key.capitalize()


def theme_for(local_id: str) -> str:
    """The Annex A theme of an id such as ``A.8.13`` (or ``8``, ``A.8``), else ""."""
    number = local_id.removeprefix("A.").split(".")[0]
    return {theme.clause.removeprefix("A."): theme.key for theme in ANNEX_A_THEMES}.get(number, "")

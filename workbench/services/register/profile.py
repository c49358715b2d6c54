"""The workspace profile: the client organisation, its ISMS scope and owner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from workbench.models import WorkspaceProfile
from workbench.services.common import text, zones
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID
from workbench.services.store.writes import run_write

if TYPE_CHECKING:
    from sqlmodel import Session

    from workbench.services.store.workspace import Workspace

EDITABLE_FIELDS = (
    "organisation_name",
    "isms_scope",
    "isms_owner",
    "certification_target",
    "locations",
    "industry",
    "time_zone",
    "consultant",
)


def get_profile(workspace: Workspace) -> WorkspaceProfile:
    with workspace.read() as session:
        profile = session.get(WorkspaceProfile, PROFILE_ID)
    assert profile is not None, "opening a workspace makes its profile"
    return profile


def workspace_zone(workspace: Workspace) -> tuple[tzinfo, str]:
    """The zone the workspace's dates and times are shown in, and its name: the profile's
    ``time_zone``, or this computer's when it is not set."""
    return zones.zone_named(get_profile(workspace).time_zone)


# How each text field is named in a message; the scope may run over several lines.
FIELD_NAMES = {
    "organisation_name": "organisation name",
    "isms_scope": "ISMS scope",
    "isms_owner": "ISMS owner",
    "locations": "locations",
    "industry": "industry",
    "time_zone": "time zone",
    "consultant": "consultant",
}
MULTI_LINE_FIELDS = ("isms_scope",)


def check_fields(changes: Mapping[str, object]) -> None:
    """Refuse unknown fields (a defect), text a profile field may not hold (TextError) and a
    time zone that is not one (ZoneError)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile field(s): {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        if isinstance(value, str):
            check = text.multi_line if name in MULTI_LINE_FIELDS else text.single_line
            check(value, FIELD_NAMES[name])
    zone = changes.get("time_zone")
    if isinstance(zone, str) and zone.strip():
        zones.check_zone_name(zone)


def apply_changes(session: Session, changes: Mapping[str, object]) -> dict[str, object]:
    """Change profile fields as part of the caller's write; returns what its entry records."""
    check_fields(changes)
    profile = session.get(WorkspaceProfile, PROFILE_ID)
    assert profile is not None
    before = {name: getattr(profile, name) for name in changes}
    for name, value in changes.items():
        if name == "time_zone":
            value = str(value or "").strip()
        setattr(profile, name, value)
    session.add(profile)
    return {"before": before, "after": dict(changes)}


def update_profile(workspace: Workspace, *, actor: str, **changes: str | date | None) -> ChangeSet:
    check_fields(changes)
    with run_write(
        workspace, actor=actor, action="profile.update", entity="workspace", entity_id=PROFILE_ID
    ) as write:
        write.summary = apply_changes(write.session, changes)
        write.changed(profile=True)
    return write.changes

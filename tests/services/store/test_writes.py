"""The one write path: a transaction, exactly one audit entry, the change set."""

from __future__ import annotations

import gc
from datetime import date

import pytest
from sqlmodel import col, func, select

from workbench.models import AuditLogEntry, WorkspaceProfile
from workbench.services.common.errors import ServiceError
from workbench.services.planner import schedule
from workbench.services.register import profile
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import PROFILE_ID, open_workspace, session_cache
from workbench.services.store.writes import run_write


def _entries(workspace) -> list[AuditLogEntry]:
    with workspace.read() as session:
        return list(session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.id))))


def test_a_write_appends_exactly_one_entry_with_its_summary(workspace) -> None:
    before = len(_entries(workspace))
    with run_write(
        workspace, actor="Mara", action="profile.update", entity="workspace", entity_id=PROFILE_ID
    ) as write:
        write.summary = profile.apply_changes(write.session, {"organisation_name": "Acme"})
        write.changed(profile=True)
    entries = _entries(workspace)
    assert len(entries) == before + 1
    assert (entries[-1].actor, entries[-1].action) == ("Mara", "profile.update")
    assert '"Acme"' in entries[-1].summary
    assert write.changes.profile and write.entry is not None


def test_a_failing_write_leaves_neither_change_nor_entry(workspace) -> None:
    before = len(_entries(workspace))
    with pytest.raises(ServiceError, match="refused"):
        with run_write(
            workspace, actor="Mara", action="profile.update", entity="workspace", entity_id=1
        ) as write:
            profile.apply_changes(write.session, {"organisation_name": "Half written"})
            raise ServiceError("refused")
    assert len(_entries(workspace)) == before
    assert profile.get_profile(workspace).organisation_name != "Half written"


def test_a_write_must_say_what_it_changed(workspace) -> None:
    before = len(_entries(workspace))
    with pytest.raises(ValueError, match="did not say which workspace"):
        with run_write(workspace, actor="Mara", action="x.y", entity="workspace"):
            pass
    with pytest.raises(ValueError, match="names its action"):
        with run_write(workspace, actor="Mara", action="", entity="workspace", entity_id=1):
            pass
    assert len(_entries(workspace)) == before


def test_change_sets_combine_every_kind_without_naming_them() -> None:
    first = ChangeSet.of(artifacts=[1], notices=["a"])
    second = ChangeSet.of(artifacts=[2], events=[5], profile=True, notices=["b"])
    combined = first | second
    assert combined.artifacts == {1, 2} and combined.events == {5} and combined.profile
    assert combined.notices == ("a", "b")


def test_caches_belong_to_one_workspace(tmp_path) -> None:
    first, second = open_workspace(tmp_path / "a.grcw"), open_workspace(tmp_path / "b.grcw")
    try:
        with first.read() as session:
            session_cache(session, "probe", dict)["key"] = "first"
        with second.read() as session:
            assert "key" not in session_cache(session, "probe", dict)
        with first.read() as session:
            assert session_cache(session, "probe", dict)["key"] == "first"
    finally:
        first.close()
        second.close()
    assert first.caches == {}


def test_the_planner_leaves_the_garbage_collector_alone(workspace, monkeypatch) -> None:
    switched: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: switched.append("disable"))
    schedule.occurrences(workspace, date(2027, 1, 1), date(2027, 12, 31))
    assert switched == []


def test_every_audit_entry_is_one_write(workspace) -> None:
    """No write leaves two entries for one action (the build logs once, listing what it made)."""
    from workbench.services.register import isms_build

    plan = isms_build.plan_build(workspace)
    before = len(_entries(workspace))
    isms_build.build_isms(
        workspace,
        actor="Mara",
        items=plan.items,
        profile_changes={"organisation_name": "Acme", "isms_scope": "Platform", "isms_owner": "Jo"},
    )
    entries = _entries(workspace)[before:]
    assert [entry.action for entry in entries] == ["isms.build"]
    with workspace.read() as session:
        assert session.exec(select(func.count()).select_from(WorkspaceProfile)).one() == 1

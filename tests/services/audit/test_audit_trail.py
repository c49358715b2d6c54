from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from tests.helpers.approvals import approved_by_both, with_people, with_policy
from workbench.services.audit import trail
from workbench.services.audit.trail import AuditFilter
from workbench.services.register import artifacts


def actions_of(workspace, audit_filter: AuditFilter) -> list[str]:
    ids = trail.query_ids(workspace, audit_filter, newest_first=False)
    rows = trail.fetch_rows(workspace, ids)
    return [rows[i].action for i in ids]


def test_filters_by_text_action_actor_and_date(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    approved_by_both(workspace, artifact_id)
    everything = actions_of(workspace, AuditFilter())
    assert everything == [
        "workspace.create", "person.add", "person.add", "artifact.create", "review.request",
        "approval.approve", "approval.approve",
    ]  # fmt: skip
    assert trail.query_ids(workspace, AuditFilter())[0] == 7  # newest first by default
    assert actions_of(workspace, AuditFilter(action="person.add")) == ["person.add"] * 2
    assert actions_of(workspace, AuditFilter(actor="Priya Shah")) == ["approval.approve"]
    assert actions_of(workspace, AuditFilter(text="access control")) == ["artifact.create"]
    today = date.today()
    assert len(actions_of(workspace, AuditFilter(since=today, until=today))) == 7
    assert actions_of(workspace, AuditFilter(until=today - timedelta(days=1))) == []
    assert actions_of(workspace, AuditFilter(since=today + timedelta(days=1))) == []
    assert "approval.approve" in trail.actions(workspace)
    assert trail.actors(workspace) == ["Jonas Weber", "Mara", "Mara Tester", "Priya Shah"]
    assert (
        AuditFilter(action="x", actor="Mara", since=today)
        .describe()
        .startswith("action x; by Mara; from ")
    )


def test_rows_name_their_subject_and_summarise_before_and_after(workspace) -> None:
    with_people(workspace)
    artifact_id = with_policy(workspace)
    artifacts.update_properties(
        workspace, actor="Mara", artifact_id=artifact_id, title="Access Policy", owner="Priya"
    )
    ids = trail.query_ids(workspace, AuditFilter())
    rows = trail.fetch_rows(workspace, ids)
    update = rows[ids[0]]
    assert update.subject == "artifact 1 Access Policy"
    assert (
        update.description
        == "owner: Jonas Weber → Priya; title: Access Control Policy → Access Policy"
    )
    person = rows[ids[-2]]
    assert person.subject == "person Jonas Weber"
    assert person.description.startswith("email: jonas@acme.example; name: Jonas Weber; role: CISO")
    assert person.description.endswith("…")  # the hash comes last, shortened to 12 characters
    assert len(person.description.rsplit("key_fingerprint: ", 1)[1]) == 13
    assert rows[ids[-1]].subject == "workspace"


def test_csv_export_is_complete_and_atomic(workspace, tmp_path: Path) -> None:
    with_people(workspace)
    target = tmp_path / "trail.csv"
    assert trail.export_csv(workspace, target, AuditFilter()) == 3
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(trail.CSV_HEADER)
    assert [row[3] for row in rows[1:]] == ["workspace.create", "person.add", "person.add"]
    assert rows[2][10] != rows[3][10] and rows[3][9] == rows[2][10]  # the hash chain links
    assert trail.export_csv(workspace, target, AuditFilter(action="person.add")) == 2
    assert not list(tmp_path.glob("*.partial"))


def test_csv_export_neutralises_formulas(workspace, tmp_path: Path) -> None:
    from workbench.models import ArtifactKind
    from workbench.services.common.sheets import formula_like

    attacker = "=cmd|' /C calc'!A0"
    artifacts.create_artifact(
        workspace, actor=attacker, kind=ArtifactKind.RECORD,
        title='=HYPERLINK("http://evil.example","x")', owner="@SUM(1+1)", content="# x\n",
    )  # fmt: skip
    target = tmp_path / "trail.csv"
    trail.export_csv(workspace, target, AuditFilter())
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    created = rows[-1]
    assert created[2] == "'" + attacker  # the actor, shown as text
    assert created[6] == 'artifact 1 =HYPERLINK("http://evil.example","x")'  # not leading
    for row in rows:
        assert not any(formula_like(field) for field in row), row

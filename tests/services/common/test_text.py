"""A NUL, an escape code or a right-to-left override typed into a field is refused by name, in
every service that stores one; line breaks and tabs stay where text may run over lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.helpers.cli import run
from tests.helpers.planner import create_event
from workbench.models import ArtifactKind, AuditLogEntry, EventKind
from workbench.services.approvals import people, reviews
from workbench.services.common import text
from workbench.services.common.text import TextError
from workbench.services.documents import editing
from workbench.services.planner import events, findings, programme
from workbench.services.planner.drafts import OccurrenceChange
from workbench.services.planner.findings import FindingDraft
from workbench.services.register import artifacts, isms_build, profile

RLO = "\u202e"
BAD = [
    ("a\x00b", "the control character U+0000 (NUL)"),
    ("a\x1b[31mred", "the control character U+001B (ESCAPE)"),
    ("a\x7fb", "the control character U+007F"),
    ("a\x85b", "the control character U+0085"),
    (
        f"Invoice{RLO}fdp.exe",
        "the bidirectional formatting character U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    ("a\u2066b", "the bidirectional formatting character U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("a\u200fb", "the bidirectional formatting character U+200F (RIGHT-TO-LEFT MARK)"),
    ("a\u061cb", "the bidirectional formatting character U+061C (ARABIC LETTER MARK)"),
]


@pytest.mark.parametrize(("value", "named"), BAD)
def test_single_line_refuses_controls_and_direction_characters(value: str, named: str) -> None:
    with pytest.raises(TextError) as refused:
        text.single_line(value, "title")
    assert str(refused.value) == f"The title may not contain {named}; remove it and try again."


def test_single_line_keeps_real_text() -> None:
    assert text.single_line("  Política de Seguridad — ISO/IEC 27001 ✓  ", "title") == (
        "Política de Seguridad — ISO/IEC 27001 ✓"
    )
    assert text.single_line("سياسة أمن المعلومات", "title") == "سياسة أمن المعلومات"
    for broken in ("two\nlines", "two\r\nlines", "tab\there"):
        with pytest.raises(TextError):
            text.single_line(broken, "title")


def test_multi_line_keeps_line_breaks_and_tabs_only() -> None:
    assert text.multi_line("first\r\nsecond\rthird\n\tfourth ", "notes") == (
        "first\nsecond\nthird\n\tfourth"
    )
    assert text.multi_line("marks stay: \u200f", "notes") == "marks stay: \u200f"
    for value, named in [("a\x00b", "U+0000"), (f"a{RLO}b", "U+202E"), ("a\x0bb", "U+000B")]:
        with pytest.raises(TextError, match=f"character {named.replace('+', '[+]')}"):
            text.multi_line(value, "notes")


def test_documents_keep_their_bytes_but_no_controls() -> None:
    markdown = "# Policy\r\n\r\n\tIndented \u202e kept for right-to-left documents\n"
    assert text.document_text(markdown) == markdown
    with pytest.raises(TextError, match="The document may not contain the control character U"):
        text.document_text("# Policy\n\x00\n")


def _entries(workspace) -> int:
    with workspace.read() as session:
        return len(session.exec(select(AuditLogEntry)).all())


def test_every_service_that_stores_a_field_refuses_it(workspace) -> None:
    """Each call is refused with the field's name, and nothing is written."""
    nul = "Access\x00Control"
    _, policy = artifacts.create_artifact(workspace, actor="Mara", kind=ArtifactKind.POLICY,
                                          title="Access Control Policy")  # fmt: skip
    event_id = create_event(workspace, kind=EventKind.INTERNAL_AUDIT)
    people.add_person(workspace, actor="Mara", name="Jonas Weber")
    before = _entries(workspace)
    refused = {
        "title": lambda: artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title=nul),
        "owner": lambda: artifacts.update_properties(
            workspace, actor="Mara", artifact_id=policy, owner=f"Jonas{RLO}"),
        "document": lambda: artifacts.create_artifact(
            workspace, actor="Mara", kind=ArtifactKind.POLICY, title="X", content="a\x00"),
        "comment": lambda: editing.save_version(
            workspace, artifact_id=policy, content="# v2\n", author="Mara", comment="ok\x1b"),
        "name": lambda: people.add_person(workspace, actor="Mara", name=nul),
        "role": lambda: people.add_person(workspace, actor="Mara", name="P", role=f"CEO{RLO}"),
        "e-mail address": lambda: people.add_person(
            workspace, actor="Mara", name="P", email="p@x\x00"),
        "organisation name": lambda: profile.update_profile(
            workspace, actor="Mara", organisation_name=nul),
        "locations": lambda: profile.update_profile(workspace, actor="Mara", locations="a\nb"),
        "ISMS scope": lambda: profile.update_profile(workspace, actor="Mara", isms_scope="a\x00"),
        "event title": lambda: create_event(workspace, title=nul),
        "location": lambda: create_event(workspace, location=f"Room{RLO}"),
        "notes": lambda: create_event(workspace, notes="a\x00"),
        "UID": lambda: create_event(workspace, uid="x\x00@y"),
        "event title ": lambda: events.update_occurrence(
            workspace, event_id, None, OccurrenceChange(title=nul), actor="Mara"),
        "finding": lambda: findings.add_finding(
            workspace, event_id, FindingDraft(text=nul), actor="Mara"),
        "owner ": lambda: findings.add_finding(
            workspace, event_id, FindingDraft(text="Gap", owner="a\x00"), actor="Mara"),
        "note": lambda: reviews.request_review(
            workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"], note="\x00"),
        "event title  ": lambda: programme.accept(workspace, [
            programme.ProgrammeItem(EventKind.STAGE_1, nul, datetime(2027, 1, 1, tzinfo=UTC).date())
        ], actor="Mara"),
        "title   ": lambda: isms_build.build_isms(workspace, actor="Mara", items=[
            isms_build.BuildItem("isms-scope", nul, "Jonas", 12, core=True, selected=True)
        ], profile_changes={"organisation_name": "Acme"}),
    }  # fmt: skip
    for field, call in refused.items():
        with pytest.raises(TextError) as error:
            call()
        assert str(error.value).startswith(f"The {field.strip()} "), (field, str(error.value))
    assert _entries(workspace) == before  # nothing was written


def test_the_command_line_says_it_in_one_line(capsys, tmp_path) -> None:
    ws = str(tmp_path / "w.grcw")
    code, out, err = run(capsys, "-w", ws, "person", "add", "Jonas\x1b[2J", "--role", "CISO",
                         "--no-key")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "workbench: The name may not contain the control character U+001B (ESCAPE); remove it "
        "and try again\n"
    )
    code, _, err = run(capsys, "-w", ws, "planner", "add", "--kind", "other", "--title",
                       f"Audit{RLO}", "--start", "2027-01-01")  # fmt: skip
    assert code == 2 and "The event title may not contain the bidirectional" in err

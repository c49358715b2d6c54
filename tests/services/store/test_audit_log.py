from __future__ import annotations

from tests.helpers.tamper import tamper
from workbench.services.register import profile
from workbench.services.store import audit_log


def test_every_write_extends_a_valid_chain(workspace) -> None:
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme")
    profile.update_profile(workspace, actor="Mara", isms_owner="Jonas")
    with workspace.read() as session:
        entries = list(reversed(audit_log.recent(session)))
        assert audit_log.verify_chain(session) == []
    assert [e.action for e in entries] == ["workspace.create", "profile.update", "profile.update"]
    assert entries[0].prev_hash == audit_log.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    assert '"after":{"organisation_name":"Acme"}' in entries[1].summary


def test_edited_entry_is_named(workspace) -> None:
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme")
    tamper(workspace, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 2")
    with workspace.read() as session:
        problems = audit_log.verify_chain(session)
    assert [str(p) for p in problems] == [
        "audit log entry 2: its content was changed after it was written"
    ]


def test_deleted_entry_breaks_the_link(workspace) -> None:
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme")
    profile.update_profile(workspace, actor="Mara", organisation_name="Acme Ltd")
    tamper(workspace, "DELETE FROM audit_log WHERE id = 2")
    with workspace.read() as session:
        problems = audit_log.verify_chain(session)
    assert [p.entry_id for p in problems] == [3]
    assert "does not follow" in problems[0].message

"""Check-out to a file, the read-only lease, and a check-in that only fast-forwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.approvals import JONAS_PASS, tamper
from tests.helpers.documents import save
from tests.helpers.planner import create_event
from tests.helpers.team import contents, engagement
from workbench.models import AuditLogEntry, PlannerEvent, WorkspaceLease
from workbench.services.approvals import decisions, reviews
from workbench.services.audit.verify import verify_workspace
from workbench.services.documents import drafts
from workbench.services.planner import events
from workbench.services.register import artifacts, profile
from workbench.services.store import audit_log
from workbench.services.store.workspace import Workspace, open_workspace
from workbench.services.store.writes import LeasedError
from workbench.services.team import lease
from workbench.services.team.checkin import CheckinRefused, checkin
from workbench.services.team.copying import copy_workspace
from workbench.services.team.lease import LeaseError

SCRATCH = frozenset({"draft_buffer"})


@pytest.fixture
def server(pg_workspace) -> Workspace:
    engagement(pg_workspace)
    return pg_workspace


@pytest.fixture
def checked_out(server: Workspace, tmp_path: Path):
    file = open_workspace(tmp_path / "acme.grcw", initialise=False)
    lease.checkout(server, file, actor="Mara")
    yield file
    file.close()


def _log(workspace: Workspace) -> list[AuditLogEntry]:
    with workspace.read() as session:
        return list(session.exec(select(AuditLogEntry).order_by(AuditLogEntry.id)))


def test_checkout_copies_and_makes_the_server_read_only_for_everyone(
    server: Workspace, checked_out: Workspace, pg_server
) -> None:
    file_report, server_report = verify_workspace(checked_out), verify_workspace(server)
    assert file_report.ok and server_report.ok
    assert file_report.log_head == server_report.log_head
    assert _log(server)[-1].action == "workspace.checkout"

    info = lease.current_lease(server)
    assert info is not None and info.is_checked_out and info.holder == "Mara"
    assert info.file_path == str(checked_out.path)
    assert info.server_head == server_report.log_head
    assert info.describe().startswith("Checked out by Mara since ")
    copy_info = lease.current_lease(checked_out)
    assert copy_info is not None and not copy_info.is_checked_out
    assert copy_info.describe() == (
        f"Checked out from {server.engine.url.database} on {pg_server.folder / 'data'} "
        f"since {copy_info.since:%Y-%m-%d %H:%M} UTC"
    )

    since = f"{info.since:%Y-%m-%d %H:%M} UTC"
    with pytest.raises(LeasedError) as refused:
        profile.update_profile(server, actor="Jonas", organisation_name="Other")
    assert str(refused.value) == (
        f"This workspace is checked out by Mara since {since} and is read-only until it is "
        "checked in (or the lease is broken)."
    )
    with pytest.raises(LeasedError):
        lease.checkout(server, open_workspace(checked_out.path.with_name("b.grcw"),
                                              initialise=False), actor="Jonas")  # fmt: skip
    assert verify_workspace(server).log_head == server_report.log_head
    # the copy itself is not read-only
    profile.update_profile(checked_out, actor="Mara", organisation_name="Acme on the train")


def _work_offline(file: Workspace) -> None:
    policy = artifacts.resolve(file, "Access Control Policy").id
    save(file, policy, "# Access control\n\nRevised on the train.\n")
    reviews.request_review(file, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"])
    decisions.approve(file, artifact_id=policy, version=2, signer="Jonas Weber",
                      passphrase=JONAS_PASS, comment="Fine", today=date(2027, 3, 1))  # fmt: skip
    create_event(file, title="Stage 1 audit")
    with file.read() as session:
        (audit,) = session.exec(
            select(PlannerEvent.id).where(PlannerEvent.title == "Internal audit: access")
        ).all()
    events.delete_event(file, audit, actor="Mara")
    profile.update_profile(file, actor="Mara", isms_owner="Jonas Weber")


def test_checkin_fast_forwards_the_server_and_releases_it(
    server: Workspace, checked_out: Workspace
) -> None:
    _work_offline(checked_out)
    file_log = _log(checked_out)
    server_entries = len(_log(server))

    result = checkin(checked_out, server, actor="Mara")

    assert result.report.ok, result.report.problems
    assert result.new_entries == len(file_log) - server_entries > 5
    assert result.added > 0 and result.updated > 0 and result.removed >= 2  # event + its link
    assert contents(server, skip=SCRATCH | {"audit_log"}) == contents(
        checked_out, skip=SCRATCH | {"audit_log"}
    )
    log = _log(server)
    assert [(e.id, e.entry_hash) for e in log[:-1]] == [(e.id, e.entry_hash) for e in file_log]
    assert log[-1].action == "workspace.checkin" and log[-1].prev_hash == file_log[-1].entry_hash
    assert lease.current_lease(server) is None and lease.current_lease(checked_out) is None
    # writable again, ids carrying on after the checked-in ones
    profile.update_profile(server, actor="Jonas", organisation_name="Acme Logistics SE")
    create_event(server, title="Stage 2 audit")
    assert verify_workspace(server).ok


def test_checkin_after_a_broken_lease_is_refused_naming_the_entry_and_writes_nothing(
    server: Workspace, checked_out: Workspace
) -> None:
    lease.break_lease(server, actor="Jonas", reason="Mara's laptop was stolen")
    broken = _log(server)[-1]
    assert broken.action == "lease.break" and "laptop was stolen" in broken.summary
    profile.update_profile(server, actor="Jonas", organisation_name="Acme, meanwhile")
    _work_offline(checked_out)
    before = contents(server)

    with pytest.raises(CheckinRefused) as refused:
        checkin(checked_out, server, actor="Mara")

    assert str(refused.value) == (
        f"The server has moved on since the check-out: its audit log entry {broken.id} "
        f"(lease.break by Jonas, {broken.at:%Y-%m-%d %H:%M} UTC) is not in acme.grcw; "
        "nothing was checked in."
    )
    assert contents(server) == before
    assert lease.current_lease(checked_out) is not None  # the file still says where it is from


def test_a_write_after_the_checkout_is_named_too(server: Workspace, tmp_path: Path) -> None:
    file = open_workspace(tmp_path / "acme.grcw", initialise=False)
    lease.checkout(server, file, actor="Mara")
    # Someone past the lease with database access (or a restore) writes to the server.
    with server.write() as session:
        audit_log.append(session, actor="Priya", action="profile.update", entity="profile",
                         entity_id=1)  # fmt: skip
    before = contents(server)
    with pytest.raises(CheckinRefused, match=r"\(profile.update by Priya, .*\) is not in"):
        checkin(file, server, actor="Mara")
    assert contents(server) == before
    file.close()


def test_checkin_refuses_a_file_that_does_not_verify_or_was_not_checked_out(
    server: Workspace, checked_out: Workspace, tmp_path: Path
) -> None:
    plain = open_workspace(tmp_path / "plain.grcw", initialise=False)
    copy_workspace(checked_out, plain)
    with pytest.raises(CheckinRefused, match="plain.grcw is not a checked-out workspace"):
        checkin(plain, server, actor="Mara")
    plain.close()

    tamper(checked_out, "UPDATE audit_log SET actor = 'Mallory' WHERE id = 2")
    before = contents(server)
    with pytest.raises(CheckinRefused, match=r"acme.grcw does not verify \(1 problem"):
        checkin(checked_out, server, actor="Mara")
    assert contents(server) == before
    assert lease.current_lease(server) is not None


def test_another_checked_out_file_is_not_the_lease_holder(
    server: Workspace, checked_out: Workspace, tmp_path: Path
) -> None:
    lease.break_lease(server, actor="Jonas", reason="taking it over")
    second = open_workspace(tmp_path / "second.grcw", initialise=False)
    lease.checkout(server, second, actor="Jonas")
    # the first file's log lacks the break: refused for that, before anything else
    with pytest.raises(CheckinRefused, match="lease.break by Jonas"):
        checkin(checked_out, server, actor="Mara")
    checkin(second, server, actor="Jonas")
    second.close()


def test_breaking_a_lease_needs_a_reason_and_a_lease(server: Workspace) -> None:
    with pytest.raises(LeaseError, match="Say why"):
        lease.break_lease(server, actor="Jonas", reason="  ")
    with pytest.raises(LeaseError, match="is not checked out"):
        lease.break_lease(server, actor="Jonas", reason="just in case")


def test_the_editor_scratch_stays_writable_and_is_left_out_of_checkin(
    server: Workspace, checked_out: Workspace
) -> None:
    policy = artifacts.resolve(server, "Access Control Policy").id
    drafts.save_draft(server, artifact_id=policy, base_version=1, content="# Jonas typing\n")
    drafts.save_draft(checked_out, artifact_id=policy, base_version=1, content="# Mara typing\n")
    checkin(checked_out, server, actor="Mara")
    with server.read() as session:
        leases = list(session.exec(select(WorkspaceLease)))
    assert [(x.role, x.release_reason) for x in leases] == [("leased", "checked in")]
    assert drafts.recoverable_draft(server, policy).content == "# Jonas typing\n"

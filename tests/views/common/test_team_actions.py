"""The File menu's team actions on a real window, against the PostgreSQL test server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.postgres import PgServer
from workbench.models import AuditLogEntry
from workbench.services.register import profile
from workbench.services.store.workspace import open_workspace
from workbench.services.team import lease
from workbench.views.common import team_actions
from workbench.views.common.settings import AppSettings
from workbench.views.main_window import MainWindow


@pytest.fixture
def server_window(qtbot, pg_workspace, library) -> MainWindow:
    profile.update_profile(pg_workspace, actor="Mara", organisation_name="Acme Logistics")
    window = MainWindow(settings=AppSettings(), workspace=pg_workspace, library=library)
    qtbot.addWidget(window)
    window.show()
    return window


def _menu_texts(window: MainWindow) -> list[str]:
    file_menu = window.menuBar().actions()[0].menu()
    return [action.text() for action in file_menu.actions()]


def test_file_menu_offers_the_team_actions_as_the_workspace_allows(
    server_window: MainWindow,
) -> None:
    texts = _menu_texts(server_window)
    for text in ("Open &Team Workspace…", "Check &Out…", "Check &In…", "&Break Lease…"):
        assert text in texts
    team = server_window.team
    assert team.check_out_action.isEnabled()
    assert not team.check_in_action.isEnabled() and not team.break_action.isEnabled()
    assert not team.lease_label.isVisible()


def test_open_team_workspace_keeps_the_url_in_recent_without_the_password(
    qtbot, sqlite_workspace, library, pg_server: PgServer, pg_url: str, monkeypatch
) -> None:
    window = MainWindow(settings=AppSettings(), workspace=sqlite_workspace, library=library)
    qtbot.addWidget(window)
    url = pg_server.with_password(pg_url)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(pg_server.folder / "none"))
    asked: list[str] = []
    monkeypatch.setattr(team_actions, "ask_password", lambda _p, u: asked.append(u) or "hunter2")
    monkeypatch.setattr(window.team, "ask_url", lambda: url)

    window.team.open_team_workspace()

    assert asked == [url]
    assert window.workspace.path is None and window.workspace.url == url
    assert window.settings.recent_workspaces[0] == url
    assert window.windowTitle() == f"{url} — GRC Workbench"
    with_password = url.replace("wb_secret@", "wb_secret:hunter2@")
    monkeypatch.setattr(window.team, "ask_url", lambda: with_password)
    window.team.open_team_workspace()
    assert window.settings.recent_workspaces == [url, str(sqlite_workspace.path)]
    window.settings.sync()
    assert b"hunter2" not in window.settings.path.read_bytes()


def test_check_out_work_and_check_in_from_the_menu(
    server_window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    server_url = server_window.workspace.url
    target = tmp_path / "acme-train"
    monkeypatch.setattr(server_window.team, "ask_checkout_path", lambda _s: str(target))

    assert server_window.team.check_out()

    window, team = server_window, server_window.team
    assert window.workspace.path == tmp_path / "acme-train.grcw"
    assert team.lease_label.text().startswith("Checked out from test_")
    assert server_url in team.lease_label.toolTip()
    assert team.check_in_action.isEnabled() and not team.check_out_action.isEnabled()
    profile.update_profile(window.workspace, actor="Mara", isms_owner="Jonas Weber")

    # Meanwhile a colleague's window on the server says who holds it, and since when.
    colleague = open_workspace(server_url, create=False)
    info = lease.current_lease(colleague)
    assert info is not None and info.is_checked_out
    colleague.close()

    assert team.check_in()
    assert window.workspace.path is None and window.workspace.url == server_url
    assert not team.lease_label.isVisible() and team.check_out_action.isEnabled()
    assert profile.get_profile(window.workspace).isms_owner == "Jonas Weber"


def test_a_checked_out_server_shows_who_holds_it_and_the_lease_can_be_broken(
    server_window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    file = open_workspace(tmp_path / "laptop.grcw", initialise=False)
    lease.checkout(server_window.workspace, file, actor="Jonas Weber")
    file.close()
    team = server_window.team
    team.refresh()
    assert team.lease_label.text().startswith("Checked out by Jonas Weber since ")
    assert team.lease_label.text().endswith("UTC (read-only)")
    assert "(checked out by Jonas Weber)" in server_window.windowTitle()
    assert team.break_action.isEnabled() and not team.check_out_action.isEnabled()

    monkeypatch.setattr(team, "ask_reason", lambda _info: "Jonas left the firm")
    assert team.break_lease()

    assert not team.lease_label.isVisible()
    assert "checked out" not in server_window.windowTitle()
    with server_window.workspace.read() as session:
        last = session.exec(select(AuditLogEntry).order_by(AuditLogEntry.id.desc())).first()
    assert last.action == "lease.break" and "Jonas left the firm" in last.summary

"""Saving files: each dialog starts where that kind of file was last saved for the workspace,
asks before replacing a file or making a folder, and offers to show what it wrote."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt

from tests.helpers.files import announcements, click, opened_urls
from tests.helpers.packs import Engagement, engagement
from workbench.services.register import profile
from workbench.services.store.workspace import open_workspace
from workbench.views.audit.pack_dialog import PackDialog
from workbench.views.common.export_dialog import ExportDialog
from workbench.views.common.files import FileKind, FilePlaces, default_folder
from workbench.views.common.settings import AppSettings

TIMEOUT = 30_000


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder without a Documents folder, as on many fresh Linux installs."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    return folder


@pytest.fixture
def acme(workspace, tmp_path: Path) -> Engagement:
    return engagement(workspace, tmp_path)


def documents_location() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def test_folders_are_remembered_per_workspace_and_kind(workspace, tmp_path, home) -> None:
    assert default_folder() == home and not documents_location().exists()
    places = FilePlaces(AppSettings(), workspace)
    assert places.folder(FileKind.PACK) == home
    (tmp_path / "packs").mkdir()
    (tmp_path / "exports").mkdir()
    places.remember(FileKind.PACK, tmp_path / "packs" / "acme.zip")
    places.remember(FileKind.EXPORT, tmp_path / "exports")
    again = FilePlaces(AppSettings(), workspace)  # another session of the window
    assert again.folder(FileKind.PACK) == tmp_path / "packs"
    assert again.folder(FileKind.EXPORT) == tmp_path / "exports"
    assert again.folder(FileKind.CALENDAR) == home

    other = open_workspace(tmp_path / "other.grcw")
    try:
        assert FilePlaces(AppSettings(), other).folder(FileKind.PACK) == home
    finally:
        other.close()
    # Kept by the workspace's identity: moving the file keeps its folders.
    uuid = profile.get_profile(workspace).uuid
    assert AppSettings().last_folder(uuid, "pack") == tmp_path / "packs"
    # A folder since removed is not offered.
    (tmp_path / "packs").rmdir()
    assert again.folder(FileKind.PACK) == home


def test_export_starts_in_the_last_folder_and_asks_before_replacing(
    qtbot, workspace, acme, tmp_path: Path, home, monkeypatch
) -> None:
    places = FilePlaces(AppSettings(), workspace)
    dialog = ExportDialog(workspace, artifact_id=acme.policy, actor="Mara", files=places)
    qtbot.addWidget(dialog)
    assert Path(dialog.path_edit.text()).parent == home
    out = tmp_path / "client" / "policies"
    out.mkdir(parents=True)
    target = out / "policy.md"
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("md"))
    dialog.path_edit.setText(str(target))
    opened = opened_urls(monkeypatch)
    with qtbot.waitSignal(dialog.exported):
        dialog.accept()
    assert dialog.file_buttons.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.file_buttons.show_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.file_buttons.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(out), str(target)]

    # The next export of this workspace starts where this one went.
    later = ExportDialog(workspace, artifact_id=acme.soa, actor="Mara", files=places)
    qtbot.addWidget(later)
    assert Path(later.path_edit.text()).parent == out

    # Replacing asks; No leaves the file as it was and writes nothing.
    target.write_text("the client's edited copy", encoding="utf-8")
    questions: list[str] = []
    monkeypatch.setattr(
        "workbench.views.common.files.ask", lambda _p, _t, text: questions.append(text) or False
    )
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.accept()
    assert questions == [f"policy.md already exists in {out}. Replace it?"]
    assert target.read_text(encoding="utf-8") == "the client's edited copy"
    monkeypatch.setattr("workbench.views.common.files.ask", lambda *_: True)
    with qtbot.waitSignal(dialog.exported):
        dialog.accept()
    assert target.read_text(encoding="utf-8").startswith("# Access Control Policy")


def test_the_pack_makes_no_folder_and_replaces_nothing_without_asking(
    qtbot, workspace, acme, tmp_path: Path, home, monkeypatch
) -> None:
    dialog = PackDialog(workspace, actor="Mara", files=FilePlaces(AppSettings(), workspace))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.path_edit.text() == str(home / "Acme-Logistics-GmbH-audit-pack.zip")

    missing = tmp_path / "audits" / "2027"
    dialog.path_edit.setText(str(missing / "pack.zip"))
    questions: list[str] = []
    monkeypatch.setattr(
        "workbench.views.common.files.ask", lambda _p, _t, text: questions.append(text) or False
    )
    with qtbot.assertNotEmitted(dialog.pack_written):
        dialog.start()
    assert questions == [f"The folder {missing} does not exist. Create it?"]
    assert not missing.parent.exists() and not dialog.running

    dialog.path_edit.setText(str(home / "pack.zip"))
    with qtbot.waitSignal(dialog.pack_written, timeout=TIMEOUT):
        dialog.start()
    assert not documents_location().exists()
    first = (home / "pack.zip").read_bytes()
    opened = opened_urls(monkeypatch)
    assert dialog.file_buttons.isVisibleTo(dialog)
    dialog.file_buttons.show_button.click()
    assert opened == [str(home)]

    questions.clear()
    with qtbot.assertNotEmitted(dialog.pack_written):
        dialog.start()  # a second Write Pack
    assert questions == [f"pack.zip already exists in {home}. Replace it?"]
    assert (home / "pack.zip").read_bytes() == first
    assert dialog.status_label.text() == "Nothing was written."

    monkeypatch.setattr("workbench.views.common.files.ask", lambda *_: True)
    with qtbot.waitSignal(dialog.pack_written, timeout=TIMEOUT):
        dialog.start()
    with zipfile.ZipFile(home / "pack.zip") as archive:
        assert "manifest.json" in archive.namelist()

    # The next pack of this workspace starts in the folder this one went to.
    later = PackDialog(workspace, actor="Mara", files=FilePlaces(AppSettings(), workspace))
    qtbot.addWidget(later)
    assert Path(later.path_edit.text()).parent == home


def test_publish_offers_the_folder_and_asks_before_replacing(
    qtbot, workspace, library, tmp_path: Path, monkeypatch
) -> None:
    from tests.helpers.approvals import approved_by_both, with_people, with_policy
    from workbench.views.documents import actions
    from workbench.views.main_window import MainWindow

    with_people(workspace)
    policy = with_policy(workspace)
    approved_by_both(workspace, policy)
    window = MainWindow(settings=AppSettings(), workspace=workspace, library=library)
    qtbot.addWidget(window)
    window.register_view.clear_filter()
    window.show_pane("register")
    window.register_view.table.selectRow(window.register_view.model.row_of(policy))
    out = tmp_path / "published"
    out.mkdir()
    monkeypatch.setattr(window.approval, "ask_publish_folder", lambda: str(out))
    written = announcements(monkeypatch, actions)
    opened = opened_urls(monkeypatch)
    result = window.approval.publish()
    assert result is not None
    pdf = out / "Access-Control-Policy-v1.pdf"
    assert written[0].text() == (
        f"Published version 1: Access-Control-Policy-v1.docx, Access-Control-Policy-v1.pdf in "
        f"{out}."
    )
    click(written[0], "fileShowInFolder")
    assert opened == [str(out)]
    assert window.files.folder(FileKind.PUBLISH) == out

    questions: list[str] = []
    monkeypatch.setattr(
        "workbench.views.common.files.ask", lambda _p, _t, text: questions.append(text) or False
    )
    before = pdf.read_bytes()
    window.register_view.table.selectRow(window.register_view.model.row_of(policy))
    assert window.approval.publish() is None
    assert questions == [
        "Access-Control-Policy-v1.docx, Access-Control-Policy-v1.pdf already exist in "
        f"{out}. Replace them?"
    ]
    assert pdf.read_bytes() == before


def test_register_and_trail_exports_ask_before_replacing(
    qtbot, workspace, acme, tmp_path: Path, monkeypatch
) -> None:
    from workbench.views.audit import view as audit_view
    from workbench.views.audit.view import AuditTrailView
    from workbench.views.register import view as register_view
    from workbench.views.register.view import RegisterView

    questions: list[str] = []
    monkeypatch.setattr(
        "workbench.views.common.files.ask", lambda _p, _t, text: questions.append(text) or False
    )
    register = RegisterView()
    qtbot.addWidget(register)
    register.set_workspace(workspace)
    sheet = tmp_path / "register.xlsx"
    sheet.write_bytes(b"keep me")
    monkeypatch.setattr(register, "ask_export_path", lambda: (str(sheet), "Excel (*.xlsx)"))
    register.export_register()
    assert sheet.read_bytes() == b"keep me"

    trail = AuditTrailView()
    qtbot.addWidget(trail)
    trail.set_workspace(workspace)
    csv = tmp_path / "trail.csv"
    csv.write_text("keep me")
    monkeypatch.setattr(trail, "ask_export_path", lambda: str(csv))
    trail.export_csv()
    assert csv.read_text() == "keep me"
    assert questions == [
        f"register.xlsx already exists in {tmp_path}. Replace it?",
        f"trail.csv already exists in {tmp_path}. Replace it?",
    ]

    monkeypatch.setattr("workbench.views.common.files.ask", lambda *_: True)
    written = announcements(monkeypatch, register_view)
    register.export_register()
    assert sheet.read_bytes()[:2] == b"PK" and written[0].text().endswith(f"to {sheet}.")
    written = announcements(monkeypatch, audit_view)
    trail.export_csv()
    assert csv.read_text().startswith("id,") and written[0].text().endswith(f"to {csv}.")

"""Export Document and Write Audit Pack, driven as a user would; waits are on signals."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt

from tests.helpers.approvals import POLICY_TEXT, tamper
from tests.helpers.packs import DRAFT_POLICY, Engagement, check_manifest, engagement
from tests.helpers.readers import docx_text, title_then_body
from workbench.services.audit import trail
from workbench.services.exports import document_export
from workbench.views.audit.pack_dialog import PackDialog, open_pack_dialog
from workbench.views.common.export_dialog import ExportDialog, open_export_dialog

TIMEOUT = 30_000  # ms; a pack of a few documents takes well under a second


@pytest.fixture
def acme(workspace, tmp_path: Path) -> Engagement:
    return engagement(workspace, tmp_path)


def export_dialog(qtbot, workspace, artifact_id: int, folder: Path) -> ExportDialog:
    folder.mkdir(parents=True, exist_ok=True)
    dialog = ExportDialog(workspace, artifact_id=artifact_id, actor="Mara", folder=folder)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(combo, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_export_dialog_writes_the_chosen_version(qtbot, workspace, acme, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    dialog = export_dialog(qtbot, workspace, acme.policy, out)
    assert dialog.objectName() == "exportDialog"
    versions = [dialog.version_combo.itemText(i) for i in range(dialog.version_combo.count())]
    assert [text.split(" · ")[0] for text in versions] == ["2", "1"]
    assert versions[1].endswith(" · published") and " · " in versions[0]
    assert dialog.path_edit.text() == str(out / "Access-Control-Policy-v2.pdf")

    choose(dialog.version_combo, 1)
    choose(dialog.format_combo, "docx")
    assert dialog.path_edit.text() == str(out / "Access-Control-Policy-v1.docx")
    choose(dialog.page_combo, "Letter")
    with qtbot.waitSignal(dialog.exported) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    target = out / "Access-Control-Policy-v1.docx"
    assert blocker.args == [target]
    assert title_then_body(POLICY_TEXT, docx_text(target))
    assert "Document approval" in docx_text(target)
    assert round(docx.Document(str(target)).sections[0].page_width.mm, 1) == 215.9
    assert dialog.isVisible() and dialog.status_label.isVisible()
    assert dialog.status_label.text() == f"Version 1 (published) written to {target}."
    assert dialog.close_button.text() == "Close"

    choose(dialog.version_combo, 2)
    choose(dialog.format_combo, "md")
    assert not dialog.page_combo.isEnabled()
    with qtbot.waitSignal(dialog.exported):
        dialog.accept()
    assert (out / "Access-Control-Policy-v2.md").read_text("utf-8") == DRAFT_POLICY


def test_export_dialog_keeps_a_name_the_user_typed(qtbot, workspace, acme, tmp_path) -> None:
    dialog = export_dialog(qtbot, workspace, acme.policy, tmp_path)
    dialog.path_edit.setText(str(tmp_path / "for-client.pdf"))
    choose(dialog.format_combo, "html")
    assert dialog.path_edit.text() == str(tmp_path / "for-client.html")
    with qtbot.waitSignal(dialog.exported):
        dialog.accept()
    assert "DRAFT: this version has not been approved." in (tmp_path / "for-client.html").read_text(
        "utf-8"
    )


def test_export_dialog_reports_errors_inline(qtbot, workspace, acme, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dialog = export_dialog(qtbot, workspace, acme.policy, tmp_path)
    dialog.path_edit.setText(str(blocker / "policy.pdf"))
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.accept()
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert (
        dialog.error_label.text()
        == f"Cannot write {blocker / 'policy.pdf'}: {blocker} is not a folder."
    )
    dialog.path_edit.clear()
    dialog.accept()
    assert dialog.error_label.text() == "Choose the file to write."


def test_open_export_dialog(qtbot, workspace, acme) -> None:
    dialog = open_export_dialog(None, workspace, acme.soa, "Mara")
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.artifact_label.text() == (
        "Statement of Applicability (register id 2)"
    )


def pack_dialog(qtbot, workspace, folder: Path, **options) -> PackDialog:
    folder.mkdir(parents=True, exist_ok=True)
    dialog = PackDialog(workspace, actor="Mara", folder=folder, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pack_dialog_writes_the_pack(qtbot, workspace, acme, tmp_path: Path) -> None:
    out = tmp_path / "out"
    dialog = pack_dialog(qtbot, workspace, out)
    assert dialog.objectName() == "packDialog"
    assert dialog.path_edit.text() == str(out / "Acme-Logistics-GmbH-audit-pack.zip")
    dialog.drafts_check.setChecked(True)
    steps: list[tuple[int, int, str]] = []
    dialog.progress_changed.connect(lambda *args: steps.append(args))
    with (
        qtbot.waitSignal(dialog.changes_made, timeout=TIMEOUT) as changes,
        qtbot.waitSignal(dialog.pack_written, timeout=TIMEOUT) as written,
    ):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert not dialog.drafts_check.isEnabled()  # nothing to change while it runs
    result = written.args[0]
    assert changes.args[0].audit_log
    # the SoA sheet and the dashboard are two steps of their own
    assert [done for done, *_ in steps] == list(range(12))
    assert steps[-1] == (11, 11, "Done")
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == 11
    with zipfile.ZipFile(result.target) as archive:
        check_manifest(archive)
        assert "drafts/DRAFT-003-Backup-Procedure-v1.pdf" in archive.namelist()
    assert dialog.status_label.text() == (
        f"Wrote {result.target}: 2 published document(s) and 1 draft(s), 16 files."
    )
    assert dialog.cancel_button.text() == "Close" and dialog.start_button.isEnabled()
    actions = [row.action for row in trail.fetch_rows(workspace, trail.query_ids(
        workspace, trail.AuditFilter(action="pack.export"))).values()]  # fmt: skip
    assert actions == ["pack.export"]


def test_cancel_leaves_nothing(qtbot, workspace, acme, tmp_path: Path) -> None:
    out = tmp_path / "out"
    dialog = pack_dialog(qtbot, workspace, out)

    def cancel_after_two(done: int, total: int, label: str) -> None:
        if done == 2:
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progress_changed.connect(cancel_after_two)
    with (
        qtbot.waitSignal(dialog.pack_cancelled, timeout=TIMEOUT),
        qtbot.assertNotEmitted(dialog.pack_written),
    ):
        dialog.start()
    assert dialog.isVisible() and not dialog.running
    assert dialog.status_label.text() == "Cancelled: nothing was written."
    assert not out.exists() or list(out.iterdir()) == []
    assert dialog.path_edit.isEnabled() and dialog.cancel_button.text() == "Cancel"


def test_closing_while_running_cancels(qtbot, workspace, acme, tmp_path: Path) -> None:
    out = tmp_path / "out"
    dialog = pack_dialog(qtbot, workspace, out)
    dialog.progress_changed.connect(lambda done, *_: done == 1 and dialog.close())
    with qtbot.waitSignal(dialog.pack_cancelled, timeout=TIMEOUT):
        dialog.start()
    assert not dialog.isVisible()
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failed_step_is_reported(qtbot, workspace, acme, tmp_path: Path, monkeypatch) -> None:
    def full_disk(document, target: Path) -> None:
        raise OSError(28, "No space left on device")

    out = tmp_path / "out"
    monkeypatch.setattr(document_export, "write_pdf", full_disk)
    dialog = pack_dialog(qtbot, workspace, out)
    with qtbot.waitSignal(dialog.pack_failed, timeout=TIMEOUT) as failed:
        dialog.start()
    assert failed.args == ["cannot write the audit pack: No space left on device"]
    assert dialog.status_label.text() == "Cannot write the audit pack: No space left on device."
    assert not dialog.running and dialog.start_button.isEnabled()
    assert list(out.iterdir()) == []


def test_verify_problems_are_reported(qtbot, workspace, acme, tmp_path: Path) -> None:
    tamper(workspace, "UPDATE approval SET comment = 'Rubber-stamped' WHERE id = 1")
    dialog = pack_dialog(qtbot, workspace, tmp_path)
    dialog.path_edit.setText(str(tmp_path / "pack"))
    with qtbot.waitSignal(dialog.pack_written, timeout=TIMEOUT) as written:
        dialog.start()
    assert written.args[0].target == tmp_path / "pack.zip"
    assert dialog.status_label.text().endswith(
        "Verify found 1 problem(s) at export time; the pack's index and manifest list them."
    )


def test_open_pack_dialog(qtbot, workspace) -> None:
    dialog = open_pack_dialog(None, workspace, "Mara")
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.path_edit.text().endswith("client-grcw-audit-pack.zip")

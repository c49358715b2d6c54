"""The Controls pane: the table, its filters, the detail editor, evidence by drag and drop on a
worker thread, and Update SoA."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDropEvent
from PySide6.QtWidgets import QDialog, QPlainTextEdit

from tests.helpers.controls import add_file, write_file
from workbench.models import CHUNK_SIZE
from workbench.services.controls import evidence, records, soa
from workbench.services.store.changes import ChangeSet
from workbench.views.controls.detail import ControlDetail
from workbench.views.controls.evidence_dialog import EvidenceDialog, to_qdate
from workbench.views.controls.jobs import FileJob
from workbench.views.controls.soa_dialog import SoaUpdateDialog
from workbench.views.controls.view import ControlsView


@pytest.fixture
def pane(qtbot, workspace) -> ControlsView:
    view = ControlsView()
    qtbot.addWidget(view)
    view.set_workspace(workspace)
    view.resize(1100, 700)
    view.show()
    view.changes_made.connect(view.apply_changes)  # as the main window does
    return view


@pytest.fixture
def errors(pane, monkeypatch) -> list[str]:
    found: list[str] = []
    monkeypatch.setattr(pane, "report_error", lambda title, error: found.append(str(error)))
    return found


def test_the_table_lists_every_control(pane, qtmodeltester, qtbot) -> None:
    qtmodeltester.check(pane.model)
    assert pane.model.rowCount() == 93
    assert pane.count_label.text() == "93 control(s)"
    assert pane.model.index(0, 1).data() == "Policies for information security"
    # the first control is shown in detail, with its guidance beside it
    assert pane.detail.record is not None and pane.detail.record.local_id == "A.5.1"
    qtbot.waitUntil(lambda: "What the control asks" in pane.detail.guidance.toPlainText())


def test_filters(pane, workspace, tmp_path) -> None:
    records.update_control(workspace, "A.6.3", actor="Mara", status="planned", owner="Priya")
    add_file(workspace, tmp_path, "old.pdf", to="A.6.3", expires=date(2000, 1, 1))
    pane.refresh()
    pane.theme_filter.setCurrentIndex(pane.theme_filter.findData("people"))
    assert pane.model.rowCount() == 8
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("planned"))
    assert [r.local_id for r in pane.model.records] == ["A.6.3"]
    pane.reset_filters()
    pane.owner_filter.setCurrentIndex(pane.owner_filter.findData("Priya"))
    assert [r.local_id for r in pane.model.records] == ["A.6.3"]
    pane.show_target("evidence_expired")
    assert pane.evidence_filter.currentData() == "expired"
    assert [r.local_id for r in pane.model.records] == ["A.6.3"]
    assert pane.model.index(0, 6).data() == "1 (1 expired)"
    pane.show_target("no_evidence")
    assert pane.model.rowCount() == 92
    pane.show_target("A.8.13")
    assert pane.selected_record().local_id == "A.8.13"  # type: ignore[union-attr]


def test_editing_a_record(pane, workspace, errors, qtbot) -> None:
    pane.show_target("A.7.4")
    detail: ControlDetail = pane.detail
    detail.applicable.setCurrentIndex(1)
    detail.save()
    assert errors == [
        "A.7.4 cannot be excluded without a justification: say why the control is not needed "
        "(--justification TEXT)"
    ]
    assert records.get_control(workspace, "A.7.4").applicable
    detail.justification.setPlainText("The landlord monitors the building")
    detail.reason_checks[records.ControlReason.CONTRACT].setChecked(True)
    detail.target.setDate(to_qdate(date(2027, 5, 1)))
    with qtbot.waitSignal(pane.changes_made) as signal:
        detail.save()
    assert signal.args[0].controls
    saved = records.get_control(workspace, "A.7.4")
    assert (saved.applicable, saved.justification, saved.target_date) == (
        False, "The landlord monitors the building", date(2027, 5, 1),
    )  # fmt: skip
    assert pane.selected_record().local_id == "A.7.4"  # type: ignore[union-attr]
    assert pane.model.index(pane.table.currentIndex().row(), 3).data() == "Excluded"


def _drop(widget, files: list[Path]) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in files])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    widget.dropEvent(event)


def test_a_file_dropped_on_a_row_becomes_its_evidence(
    pane, workspace, tmp_path, qtbot, errors
) -> None:
    report = tmp_path / "restore-test.pdf"
    write_file(report, 3 * CHUNK_SIZE + 7)
    row = next(r for r, rec in enumerate(pane.model.records) if rec.local_id == "A.8.13")
    pane.table.scrollTo(pane.model.index(row, 1))
    rect = pane.table.visualRect(pane.model.index(row, 1))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(report))])
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    pane.table.dropEvent(event)
    dialog = pane.findChild(EvidenceDialog)
    assert dialog is not None and dialog.isVisible()
    assert (dialog.file_edit.text(), dialog.targets_edit.text()) == (str(report), "A.8.13")
    dialog.title_edit.setText("Restore test report")
    dialog.has_expiry.setChecked(True)
    dialog.expires.setDate(to_qdate(date(2027, 11, 30)))
    seen: list[tuple[int, int]] = []
    dialog.accept()
    assert dialog.error_label.text() == ""
    assert pane.job is not None and pane.progress.isVisible()
    pane.job.progressed.connect(lambda done, total: seen.append((done, total)))
    qtbot.waitUntil(lambda: pane.job is None, timeout=30000)
    assert not pane.progress.isVisible()
    record = records.get_control(workspace, "A.8.13")
    assert [(e.title, e.expires, e.size) for e in record.evidence] == [
        ("Restore test report", date(2027, 11, 30), 3 * CHUNK_SIZE + 7),
    ]  # fmt: skip
    assert pane.detail.evidence_list.count() == 1
    assert not seen or seen[-1][0] == seen[-1][1]


def test_several_files_dropped_on_the_detail_are_stored_with_their_names(
    pane, workspace, tmp_path, qtbot
) -> None:
    pane.show_target("A.5.1")
    files = []
    for name in ("ack-1.csv", "ack-2.csv"):
        files.append(tmp_path / name)
        files[-1].write_text(name)
    _drop(pane.detail, files)
    qtbot.waitUntil(lambda: pane.job is None, timeout=30000)
    assert [e.title for e in records.get_control(workspace, "A.5.1").evidence] == ["ack-1", "ack-2"]


def test_the_dialog_keeps_bad_input_open(pane, workspace, tmp_path) -> None:
    dialog = pane.add_evidence(tmp_path / "missing.pdf")
    assert dialog is not None
    dialog.accept()
    assert dialog.isVisible() and "is not a file" in dialog.error_label.text()
    present = tmp_path / "present.pdf"
    present.write_bytes(b"x")
    dialog.file_edit.setText(str(present))
    dialog.targets_edit.setText("A.99.1")
    dialog.accept()
    assert dialog.isVisible() and "There is no control A.99.1" in dialog.error_label.text()
    assert pane.job is None


def test_a_cancelled_job_stores_nothing(qtbot, workspace, tmp_path) -> None:
    source = tmp_path / "big.log"
    write_file(source, 4 * CHUNK_SIZE)
    failures: list[str] = []
    job = FileJob(lambda progress: evidence.add_evidence(
        workspace, source, targets=["A.8.15"], actor="Mara", progress=progress))  # fmt: skip
    job.failed.connect(failures.append)
    job.cancel()
    with qtbot.waitSignal(job.done, timeout=30000):
        job.start()
    job.worker_thread.wait()
    assert failures == ["cancelled; nothing was stored"]
    assert evidence.list_evidence(workspace) == []


def test_the_cancel_button_cancels_the_running_job(pane, workspace, tmp_path, qtbot) -> None:
    source = tmp_path / "big.log"
    write_file(source, 20 * CHUNK_SIZE)
    dialog = pane.add_evidence(source)
    assert dialog is not None
    dialog.accept()
    job = pane.job
    assert job is not None and pane.cancel_button.isVisible()
    pane.cancel_button.click()
    assert job.cancelled
    qtbot.waitUntil(lambda: pane.job is None, timeout=30000)
    stored = evidence.list_evidence(workspace)
    # it either finished before the click reached it, or stored nothing
    assert pane.status_label.text() == "Cancelled; nothing was stored." or len(stored) == 1


def test_open_uses_the_system_viewer(pane, workspace, tmp_path, qtbot, monkeypatch) -> None:
    evidence_id = add_file(workspace, tmp_path, "scan.png", content=b"\x89PNG fake")
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    pane.open_evidence(evidence_id)
    qtbot.waitUntil(lambda: pane.job is None, timeout=30000)
    (url,) = opened
    assert Path(url.toLocalFile()).name == "scan.png"
    assert Path(url.toLocalFile()).read_bytes() == b"\x89PNG fake"


def test_update_soa_reports_the_changes_and_compares(pane, workspace, qtbot) -> None:
    soa.update_soa(workspace, actor="Mara")
    records.update_control(workspace, "A.5.15", actor="Mara", status="partial")
    dialog = pane.update_soa()
    assert isinstance(dialog, SoaUpdateDialog)
    text = dialog.findChild(QPlainTextEdit, "soaChanges")
    assert text is not None
    assert "A.5.15 Access control: status not_started → partial" in text.toPlainText()
    compare = pane.compare_soa(soa.soa_artifact_id(workspace) or 0, 2)
    # the summary row, the control's row and its snapshot line
    assert isinstance(compare, QDialog) and "3 change(s)" in compare.summary.text()  # type: ignore[attr-defined]
    with qtbot.waitSignal(pane.artifact_open_requested) as opened:
        dialog.open_button.click()
    assert opened.args == [soa.soa_artifact_id(workspace)]
    pane.update_soa()
    assert "already matches the control records" in pane.status_label.text()


def test_changes_from_elsewhere_refresh_the_table(pane, workspace) -> None:
    records.update_control(workspace, "A.5.1", actor="Mara", owner="Priya")
    pane.apply_changes(ChangeSet(controls=frozenset({1})))
    assert pane.model.index(0, 4).data() == "Priya"

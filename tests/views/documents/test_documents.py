from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.models import ArtifactKind
from workbench.services.documents import drafts
from workbench.services.register import artifacts, versioning
from workbench.views.documents.view import DocumentEditor

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def scope_id(workspace) -> int:
    _, artifact_id = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.SCOPE, title="ISMS Scope Statement",
        content="# Scope\n\nThe warehouse platform.\n",
    )  # fmt: skip
    return artifact_id


@pytest.fixture
def editor(qtbot, workspace, scope_id: int) -> DocumentEditor:
    pane = DocumentEditor()
    qtbot.addWidget(pane)
    pane.set_workspace(workspace)
    pane.user_name = "Mara"
    pane.show()
    assert pane.open_artifact(scope_id)
    return pane


def type_text(pane: DocumentEditor, text: str) -> None:
    pane.editor.selectAll()
    pane.editor.insertPlainText(text)


def test_open_shows_text_preview_and_history(editor: DocumentEditor) -> None:
    assert editor.editor.toPlainText() == "# Scope\n\nThe warehouse platform.\n"
    assert "The warehouse platform." in editor.preview.toPlainText()
    assert editor.history_model.rowCount() == 1
    assert "ISMS Scope Statement" in editor.header.text() and "version 1" in editor.header.text()


def test_live_preview_is_debounced_and_sanitised(qtbot, editor: DocumentEditor) -> None:
    with qtbot.waitSignal(editor._preview_timer.timeout):
        type_text(editor, "# New\n\n<script>alert(1)</script> **bold**")
    html = editor.preview.toHtml()
    assert "<script" not in html
    assert "alert(1)" in editor.preview.toPlainText()  # shown as text


def test_save_version_with_comment_and_unchanged_text(
    editor, monkeypatch, workspace, scope_id, qtbot
) -> None:
    type_text(editor, "# Scope\n\nWarehouse platform and Hamburg depot.\n")
    assert "unsaved changes" in editor.header.text()
    monkeypatch.setattr(editor, "ask_comment", lambda: "Scope agreed in kickoff")
    assert editor.save_version()
    history = versioning.history(workspace, scope_id)
    assert (history[0].number, history[0].comment, history[0].author) == (
        2, "Scope agreed in kickoff", "Mara",
    )  # fmt: skip
    assert "unsaved" not in editor.header.text()
    with qtbot.waitSignal(editor.status_posted) as said:
        assert not editor.save_version()
    assert said.args == ["No changes since version 2; nothing saved."]


def test_cancelled_comment_saves_nothing(editor, monkeypatch, workspace, scope_id) -> None:
    type_text(editor, "changed")
    monkeypatch.setattr(editor, "ask_comment", lambda: None)
    assert not editor.save_version()
    assert len(versioning.history(workspace, scope_id)) == 1
    assert editor.is_dirty()


def test_undo_redo_and_find(editor: DocumentEditor) -> None:
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    editor.editor.insertPlainText("More text.")
    editor.undo_action.trigger()
    assert editor.editor.toPlainText() == "# Scope\n\nThe warehouse platform.\n"
    editor.redo_action.trigger()
    assert editor.editor.toPlainText().endswith("More text.")
    editor.find_bar.open_bar()
    editor.find_bar.edit.setText("warehouse")
    assert editor.find_bar.find_next()
    assert editor.editor.textCursor().selectedText() == "warehouse"
    editor.find_bar.edit.setText("nowhere")
    assert not editor.find_bar.find_next()
    assert editor.find_bar.status.text() == "Not found"


def test_compare_two_versions(editor, monkeypatch) -> None:
    monkeypatch.setattr(editor, "ask_comment", lambda: "edit")
    type_text(editor, "# ISMS Scope\n\nThe warehouse platform and depot.\n")
    editor.save_version()
    editor.history.selectAll()
    dialog = editor.compare_selected()
    assert dialog is not None
    assert dialog.windowTitle() == "Compare version 1 with version 2"
    assert len(dialog.blocks) == 2
    unified = dialog.unified.toPlainText()
    assert "-The warehouse platform." in unified and "+The warehouse platform and depot." in unified
    assert "and depot." in dialog.side_by_side.toPlainText()
    assert "+# ISMS Scope" in unified
    dialog.go_to_change(1)
    assert dialog.current_block == 1


def test_selecting_an_old_version_shows_it_read_only(editor, monkeypatch) -> None:
    monkeypatch.setattr(editor, "ask_comment", lambda: "v2")
    type_text(editor, "Version two text\n")
    editor.save_version()
    type_text(editor, "Draft in progress\n")
    editor.history.setCurrentIndex(editor.history_model.index(editor.history_model.row_of(1)))
    assert editor.source_stack.currentIndex() == 1
    assert editor.version_view.isReadOnly()
    assert editor.version_view.toPlainText().startswith("# Scope")
    editor.show_draft()
    assert editor.editor.toPlainText() == "Draft in progress\n"  # the draft was never touched


def test_restore_becomes_a_new_version(editor, monkeypatch, workspace, scope_id) -> None:
    monkeypatch.setattr(editor, "ask_comment", lambda: "edit")
    for text in ("two\n", "three\n"):
        type_text(editor, text)
        editor.save_version()
    monkeypatch.setattr(editor, "confirm_restore", lambda number, next_number: next_number == 4)
    assert editor.restore(2)
    assert editor.editor.toPlainText() == "two\n"
    history = versioning.history(workspace, scope_id)
    assert [(v.number, v.comment) for v in history[:2]] == [
        (4, "Restored from version 2"),
        (3, "edit"),
    ]


def test_switching_with_unsaved_changes_asks(editor, monkeypatch, workspace) -> None:
    _, other = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy"
    )
    type_text(editor, "unsaved work")
    monkeypatch.setattr(editor, "ask_unsaved", lambda: QMessageBox.StandardButton.Cancel)
    assert not editor.open_artifact(other)
    assert editor.editor.toPlainText() == "unsaved work"
    monkeypatch.setattr(editor, "ask_unsaved", lambda: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(editor, "ask_comment", lambda: "saved on switching")
    assert editor.open_artifact(other)
    assert editor.details.title == "Policy"


def test_autosave_goes_to_the_draft_buffer_not_to_versions(
    qtbot, editor, workspace, scope_id
) -> None:
    with qtbot.waitSignal(editor.autosaved, timeout=10_000):
        type_text(editor, "half-written paragraph")
    draft = drafts.recoverable_draft(workspace, scope_id)
    assert draft is not None and draft.content == "half-written paragraph"
    assert len(versioning.history(workspace, scope_id)) == 1


def _wait_for_line(process: subprocess.Popen[str], expected: str, timeout: float) -> None:
    selector = selectors.DefaultSelector()
    assert process.stdout is not None
    selector.register(process.stdout, selectors.EVENT_READ)
    while True:
        if not selector.select(timeout):
            raise AssertionError(f"the editor process never printed {expected!r}")
        line = process.stdout.readline()
        if not line:
            raise AssertionError(
                f"the editor process ended: {process.stderr.read() if process.stderr else ''}"
            )
        if line.strip() == expected:
            return


def test_text_survives_kill_9_and_is_offered_back(
    qtbot, workspace, scope_id, tmp_path, monkeypatch
) -> None:
    typed = "# Scope\n\nEdited when the battery died.\n"
    text_file = tmp_path / "typed.md"
    text_file.write_text(typed, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.editor_child", str(workspace.path), str(scope_id),
         str(text_file)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ) as process:  # fmt: skip
        try:
            _wait_for_line(process, "autosaved", timeout=60)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    pane = DocumentEditor()
    qtbot.addWidget(pane)
    pane.set_workspace(workspace)
    offered: list[str] = []
    monkeypatch.setattr(pane, "ask_recover", lambda draft: offered.append(draft.content) or True)
    assert pane.open_artifact(scope_id)
    assert offered == [typed]
    assert pane.editor.toPlainText() == typed
    assert pane.is_dirty()
    assert len(versioning.history(workspace, scope_id)) == 1  # nothing became a version


def test_declining_recovery_discards_the_buffer(qtbot, workspace, scope_id, monkeypatch) -> None:
    drafts.save_draft(workspace, artifact_id=scope_id, base_version=1, content="lost text")
    pane = DocumentEditor()
    qtbot.addWidget(pane)
    pane.set_workspace(workspace)
    monkeypatch.setattr(pane, "ask_recover", lambda draft: False)
    assert pane.open_artifact(scope_id)
    assert pane.editor.toPlainText().startswith("# Scope")
    assert drafts.recoverable_draft(workspace, scope_id) is None


def test_compare_opens_at_the_first_change_and_restores_the_older_version(
    qtbot, editor, monkeypatch, workspace, scope_id
) -> None:
    monkeypatch.setattr(editor, "ask_comment", lambda: "edit")
    long_text = "".join(f"Line {number} of the scope.\n\n" for number in range(200))
    type_text(editor, long_text)
    editor.save_version()
    type_text(editor, long_text.replace("Line 150 of", "Line 150, changed, of"))
    editor.save_version()
    editor.history.selectionModel().clearSelection()
    for number in (2, 3):
        editor.history.selectionModel().select(
            editor.history_model.index(editor.history_model.row_of(number)),
            editor.history.selectionModel().SelectionFlag.Select,
        )
    dialog = editor.compare_selected()
    qtbot.waitExposed(dialog)
    assert dialog.current_block == 0
    scroll = dialog.side_by_side.verticalScrollBar()
    assert scroll.maximum() > 0 and scroll.value() > scroll.maximum() // 2  # not at line 1

    asked: list[int] = []
    monkeypatch.setattr(editor, "confirm_restore", lambda n, _next: asked.append(n) or True)
    assert dialog.restore_button.isVisible()
    dialog.restore_button.click()
    assert asked == [2] and not dialog.isVisible()
    latest = versioning.get_version(workspace, scope_id)
    assert latest.info.number == 4 and latest.content == long_text


def test_the_preview_follows_the_text_beside_it(qtbot, editor, monkeypatch, workspace) -> None:
    editor.resize(1200, 700)
    long_text = "".join(
        f"## Part {n}\n\nThe scope covers part {n} of the depot.\n\n" for n in range(150)
    )
    monkeypatch.setattr(editor, "ask_comment", lambda: "long")
    type_text(editor, long_text)
    editor.save_version()
    editor.render_preview()
    source, preview = editor.editor.verticalScrollBar(), editor.preview.verticalScrollBar()

    def ratio(bar) -> float:
        return bar.value() / bar.maximum()

    source.setValue(source.maximum() // 2)
    assert abs(ratio(preview) - 0.5) < 0.05
    type_text(editor, long_text.replace("part 3 ", "part three "))  # re-rendered after typing
    source.setValue(source.maximum() * 3 // 4)
    editor.render_preview()
    assert abs(ratio(preview) - ratio(source)) < 0.05

    # a version shown read-only leads the preview too
    editor.show_version(2)
    shown = editor.version_view.verticalScrollBar()
    shown.setValue(shown.maximum() // 4)
    assert abs(ratio(preview) - 0.25) < 0.05

    # another document opens at its top, and so does its preview
    editor.show_draft()
    _, other = artifacts.create_artifact(
        workspace, actor="Mara", kind=ArtifactKind.POLICY, title="Policy", content=long_text
    )
    monkeypatch.setattr(editor, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    assert editor.open_artifact(other)
    assert source.value() == 0 and preview.value() == 0

"""The Documents pane: an artifact's Markdown beside its live preview, and its version history.

Unsaved text is autosaved apart from versions every few seconds and offered back after a
crash. Saving writes an immutable version; restoring writes a new version with old text.

Signals:
    autosaved(int): the unsaved text of this artifact was written to the draft buffer.
    document_opened(): another document (or none) is now open.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFontDatabase,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.services.approvals import reviews, signing
from workbench.services.common.errors import ServiceError
from workbench.services.common.markup import render_markdown
from workbench.services.documents import drafts, editing
from workbench.services.register import artifacts, placeholders, versioning
from workbench.services.register.artifacts import ArtifactDetails
from workbench.services.register.versioning import UnchangedContent, VersionInfo
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.action_bar import ActionBar
from workbench.views.common.badges import apply_badge, badge_label, signature_badge
from workbench.views.common.dates import format_datetime
from workbench.views.common.empty_state import empty_state_label, show_when_empty
from workbench.views.common.pane import Pane
from workbench.views.common.rich_text import for_qt, prepare_browser
from workbench.views.documents.diff_dialog import DiffDialog
from workbench.views.documents.history_model import HistoryModel

AUTOSAVE_MS = 3000
PREVIEW_DEBOUNCE_MS = 300
# Below these widths Markdown and its preview stop being readable (headings broke letter by
# letter in a 60 px preview); the splitter never squeezes them further. A narrower window hides
# the preview instead (the Preview button brings it back).
EDITOR_MIN_WIDTH = 240
PREVIEW_MIN_WIDTH = 220
HISTORY_MIN_WIDTH = 140


class FindBar(QWidget):
    """Find in the Markdown source: Enter for next, Shift+Enter for previous, Esc to close."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.edit = QLineEdit(self)
        self.edit.setObjectName("docFind")
        self.edit.setPlaceholderText("Find in document")
        self.edit.returnPressed.connect(self.find_next)
        self.status = QLabel(self)
        previous = QPushButton("Previous", self)
        previous.clicked.connect(self.find_previous)
        following = QPushButton("Next", self)
        following.clicked.connect(self.find_next)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close_bar)
        QShortcut(QKeySequence("Shift+Return"), self.edit, self.find_previous)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.edit, self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit, previous, following, self.status, close):
            layout.addWidget(widget)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self.editor.textCursor().selectedText()
        if selected:
            self.edit.setText(selected)
        self.edit.selectAll()
        self.edit.setFocus()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def find_next(self) -> bool:
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        text = self.edit.text()
        if not text:
            return False
        found = self.editor.find(text, flags)
        if not found:  # wrap around
            cursor = self.editor.textCursor()
            backwards = bool(flags & QTextDocument.FindFlag.FindBackward)
            cursor.movePosition(
                cursor.MoveOperation.End if backwards else cursor.MoveOperation.Start
            )
            self.editor.setTextCursor(cursor)
            found = self.editor.find(text, flags)
        self.status.setText("" if found else "Not found")
        return found


class DocumentEditor(Pane):
    title = "Documents"

    autosaved = Signal(int)
    document_opened = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentEditor")
        self.details: ArtifactDetails | None = None
        self.base: VersionInfo | None = None
        self._saved_text = ""
        self._loading = False

        self.header = QLabel(self)
        self.header.setObjectName("docHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.placeholders = QLabel(self)
        self.placeholders.setObjectName("docPlaceholders")
        self.placeholders.setStyleSheet(
            "color: #7a4f00; background: #fff1d6; border-radius: 4px; padding: 1px 6px;"
        )
        self.placeholders.hide()

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("docEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setTabChangesFocus(False)
        self.editor.textChanged.connect(self._on_text_changed)
        self.find_bar = FindBar(self.editor, self)

        self.version_banner = QLabel(self)
        self.version_banner.setObjectName("docVersionBanner")
        # Wrapped, so a long banner never widens the column (and narrows the others) for good.
        self.version_banner.setWordWrap(True)
        self.version_view = QPlainTextEdit(self)
        self.version_view.setObjectName("docVersionView")
        self.version_view.setReadOnly(True)
        self.version_view.setFont(self.editor.font())
        back = QPushButton("Back to &editing", self)
        back.clicked.connect(self.show_draft)
        restore_shown = QPushButton("&Restore this version…", self)
        restore_shown.clicked.connect(lambda: self.restore(self._shown_version or 0))
        banner_buttons = QHBoxLayout()
        banner_buttons.addStretch(1)
        banner_buttons.addWidget(restore_shown)
        banner_buttons.addWidget(back)
        version_box = QWidget(self)
        version_layout = QVBoxLayout(version_box)
        version_layout.setContentsMargins(0, 0, 0, 0)
        version_layout.addWidget(self.version_banner)
        version_layout.addLayout(banner_buttons)
        version_layout.addWidget(self.version_view, 1)
        self._shown_version: int | None = None

        editor_box = QWidget(self)
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addWidget(self.find_bar)
        self.source_stack = QStackedWidget(self)
        self.source_stack.addWidget(editor_box)
        self.source_stack.addWidget(version_box)

        self.preview = QTextBrowser(self)
        self.preview.setObjectName("docPreview")
        prepare_browser(self.preview)
        # The preview follows the text being read: the editor, or a version shown read-only.
        # It follows again when its own length changes (Qt lays long documents out bit by bit).
        self.editor.verticalScrollBar().valueChanged.connect(self._follow_source)
        self.version_view.verticalScrollBar().valueChanged.connect(self._follow_source)
        self.preview.verticalScrollBar().rangeChanged.connect(self._follow_source)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self.render_preview)

        self.history_model = HistoryModel(self)
        self.history = QListView(self)
        self.history.setObjectName("historyList")
        self.history.setModel(self.history_model)
        self.history.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(True)
        self.history.selectionModel().selectionChanged.connect(self._on_history_selection)
        self.history_hint = show_when_empty(self.history, "No versions yet.")
        self.compare_button = QPushButton("&Compare", self)
        self.compare_button.setObjectName("docCompare")
        self.compare_button.setToolTip("Select two versions (Ctrl+click) to compare them")
        self.compare_button.clicked.connect(self.compare_selected)
        self.restore_button = QPushButton("Res&tore", self)
        self.restore_button.setObjectName("docRestore")
        self.restore_button.clicked.connect(self._restore_selected)
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(self.compare_button)
        history_buttons.addWidget(self.restore_button)
        history_box = QWidget(self)
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel("<b>History</b>", history_box))
        history_layout.addWidget(self.history, 1)
        history_layout.addLayout(history_buttons)

        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)

        self.toolbar = ActionBar(self)
        self.toolbar.setObjectName("docToolbar")
        self.save_action = self._action(
            "&Save Version…", self.save_version, QKeySequence.StandardKey.Save
        )
        self.undo_action = self._action("&Undo", self.editor.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("&Redo", self.editor.redo, QKeySequence.StandardKey.Redo)
        self.find_action = self._action(
            "&Find…", self.find_bar.open_bar, QKeySequence.StandardKey.Find
        )
        self.discard_action = self._action("&Discard Changes…", self.discard_changes)
        self.toolbar.addSeparator()
        self.preview_action = self._action(
            "Pre&view", self.set_preview_shown, QKeySequence("Ctrl+Shift+V")
        )
        self.preview_action.setCheckable(True)
        self.preview_action.setChecked(True)
        self.preview_action.setToolTip("Show or hide the preview (Ctrl+Shift+V)")
        self.editor.undoAvailable.connect(self.undo_action.setEnabled)
        self.editor.redoAvailable.connect(self.redo_action.setEnabled)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("docSplitter")
        self.splitter.addWidget(self.source_stack)
        self.splitter.addWidget(self.preview)
        self.splitter.addWidget(history_box)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.source_stack.setMinimumWidth(EDITOR_MIN_WIDTH)
        self.preview.setMinimumWidth(PREVIEW_MIN_WIDTH)
        history_box.setMinimumWidth(HISTORY_MIN_WIDTH)
        self._preview_wanted = True  # the user's choice for a window wide enough for both
        self._narrow = False
        self.empty = empty_state_label(
            "No document open. Double-click an artifact in the Register to edit it here.", self
        )
        self.body = QStackedWidget(self)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.splitter)

        self.badge = badge_label(parent=self)
        header_row = QHBoxLayout()
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.placeholders)
        header_row.addWidget(self.badge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(header_row)
        layout.addWidget(self.body, 1)
        self._update_state()

    def add_artifact_actions(self, actions: list[QAction]) -> None:
        """Approval and publishing actions, at the end of the toolbar."""
        self.toolbar.addSeparator()
        for action in actions:
            self.toolbar.addAction(action)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    # --- layout -----------------------------------------------------------------------------

    def _room_for_both(self) -> int:
        """The pane width at which the editor, the preview and the history fit side by side."""
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        handles = 2 * self.splitter.handleWidth()
        columns = EDITOR_MIN_WIDTH + PREVIEW_MIN_WIDTH + HISTORY_MIN_WIDTH
        return columns + handles + margins.left() + margins.right()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # Narrower than that, the preview takes turns with the editor instead of squeezing it.
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), self._room_for_both() - PREVIEW_MIN_WIDTH))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        narrow = self.width() < self._room_for_both()
        if narrow != self._narrow:
            self._narrow = narrow
            # Narrow: the Markdown first, the preview a click away; wide: as the user left it.
            self.preview_action.setChecked(False if narrow else self._preview_wanted)
            self._show_columns()

    def set_preview_shown(self, shown: bool) -> None:
        """Show or hide the preview; in a narrow window it replaces the Markdown while shown."""
        if not self._narrow:
            self._preview_wanted = shown
        self.preview_action.setChecked(shown)
        self._show_columns()

    def _show_columns(self) -> None:
        preview = self.preview_action.isChecked()
        self.preview.setVisible(preview)
        self.source_stack.setVisible(not (self._narrow and preview))
        if preview:
            self.render_preview()

    def save_state(self) -> dict[str, object]:
        return {"splitter": self.splitter.saveState(), "preview": self._preview_wanted}

    def restore_state(self, state: dict[str, object]) -> None:
        splitter = state.get("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self._preview_wanted = str(state.get("preview", "true")).lower() != "false"
        self.set_preview_shown(self._preview_wanted and not self._narrow)

    # --- state ------------------------------------------------------------------------------

    @property
    def artifact_id(self) -> int | None:
        return self.details.id if self.details else None

    def is_dirty(self) -> bool:
        return self.details is not None and self.editor.toPlainText() != self._saved_text

    def _update_state(self) -> None:
        has_document = self.details is not None
        self.body.setCurrentWidget(self.splitter if has_document else self.empty)
        for action in (self.save_action, self.find_action, self.discard_action):
            action.setEnabled(has_document)
        self.undo_action.setEnabled(self.editor.document().isUndoAvailable())
        self.redo_action.setEnabled(self.editor.document().isRedoAvailable())
        self.discard_action.setEnabled(self.is_dirty())
        if self.details is None or self.base is None:
            self.header.setText("")
            self.placeholders.hide()
            return
        marker = ' <span style="color:#b36200;">● unsaved changes</span>' if self.is_dirty() else ""
        status = self.details.status.value.replace("_", " ")
        self.header.setText(
            f"<b>{self.details.title}</b> · {status} · version {self.base.number}{marker}"
        )
        selected = len(self.history.selectionModel().selectedRows())
        self.compare_button.setEnabled(selected == 2)
        self.restore_button.setEnabled(selected == 1)

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._preview_timer.start()
        if self.is_dirty() and not self._autosave_timer.isActive():
            self._autosave_timer.start()
        self._update_state()

    def _follow_source(self) -> None:
        """Scroll the preview to the same relative place as the text beside it."""
        shown = self.version_view if self._shown_version is not None else self.editor
        source = shown.verticalScrollBar()
        target = self.preview.verticalScrollBar()
        ratio = source.value() / source.maximum() if source.maximum() > 0 else 0.0
        target.setValue(round(ratio * target.maximum()))

    def render_preview(self) -> None:
        self._preview_timer.stop()
        self.preview.setHtml(for_qt(render_markdown(self.editor.toPlainText())))
        self._follow_source()
        self._show_placeholders()

    def _show_placeholders(self) -> None:
        found = placeholders.count(self.editor.toPlainText())
        self.placeholders.setText(f"{found.total} to complete" if found else "")
        self.placeholders.setToolTip(
            f"{found.describe()}: [TO COMPLETE …] markers and template guidance notes are for "
            "you, not for the reader. Approving and publishing ask you to confirm them."
            if found
            else ""
        )
        self.placeholders.setVisible(bool(found) and self.details is not None)

    # --- opening ----------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self._close_document()

    def _close_document(self) -> None:
        self._autosave_timer.stop()
        self.details, self.base = None, None
        self._set_text("")
        self.history_model.set_versions([])
        apply_badge(self.badge, None)
        self.document_opened.emit()
        self.preview.clear()
        self.show_draft()
        self._update_state()

    def _set_text(self, text: str, *, saved: str | None = None) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self._saved_text = text if saved is None else saved
        self.editor.document().clearUndoRedoStacks()

    def ask_recover(self, draft: drafts.Draft) -> bool:
        when = format_datetime(draft.updated_at)
        answer = QMessageBox.question(
            self,
            "Recover Unsaved Text",
            f"“{self.details.title if self.details else ''}” has text that was not saved as a "
            f"version (last autosaved {when}, based on version {draft.base_version}).\n\n"
            "Recover it? Choosing No discards it.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_artifact(self, artifact_id: int, *, recover: bool | None = None) -> bool:
        """Open the latest version for editing, offering back text lost in a crash.

        ``recover`` answers the offer in advance (the start-up recovery dialog did): True puts
        the lost text in the editor, False discards it, None asks.
        """
        if self.workspace is None:
            return False
        if artifact_id == self.artifact_id and recover is None:
            return True
        if not self.can_leave():
            return False
        try:
            details = artifacts.get_details(self.workspace, artifact_id)
            latest = versioning.get_version(self.workspace, artifact_id)
            draft = drafts.recoverable_draft(self.workspace, artifact_id)
        except ServiceError as error:
            self.report_error("Open Document", error)
            return False
        self._autosave_timer.stop()
        self.details, self.base = details, latest.info
        self._set_text(latest.content)
        self._load_history()
        self.show_draft()
        if draft is not None:
            if recover if recover is not None else self.ask_recover(draft):
                self._loading = True
                self.editor.setPlainText(draft.content)
                self._loading = False
                self.notify("Recovered unsaved text: save it as a version to keep it")
            else:
                drafts.discard_draft(self.workspace, artifact_id)
        self.render_preview()
        self._update_state()
        self.document_opened.emit()
        return True

    def _load_history(self) -> None:
        if self.workspace is None or self.artifact_id is None:
            return
        badges: dict[int, str] = {}
        approved = reviews.approved_versions(self.workspace, self.artifact_id)
        for number in approved:
            badge = signature_badge(
                signing.signature_status(self.workspace, self.artifact_id, number)
            )
            badges[number] = badge.text
        self.history_model.set_versions(
            versioning.history(self.workspace, self.artifact_id), badges
        )
        if approved:
            status = signing.signature_status(self.workspace, self.artifact_id, max(approved))
            apply_badge(self.badge, signature_badge(status))
        else:
            apply_badge(self.badge, None)

    # --- saving -----------------------------------------------------------------------------

    def autosave(self) -> None:
        self._autosave_timer.stop()
        if self.workspace is None or self.details is None or self.base is None:
            return
        if not self.is_dirty():
            return
        drafts.save_draft(
            self.workspace,
            artifact_id=self.details.id,
            base_version=self.base.number,
            content=self.editor.toPlainText(),
        )
        self.autosaved.emit(self.details.id)

    def ask_comment(self) -> str | None:
        comment, accepted = QInputDialog.getText(
            self, "Save Version", "What changed? (a short comment for the history)"
        )
        return comment if accepted else None

    def save_version(self) -> bool:
        """Write the text as the next version; False if cancelled, unchanged or refused."""
        if self.workspace is None or self.details is None:
            return False
        text = self.editor.toPlainText()
        if text == self._saved_text:
            self.notify(
                f"No changes since version {self.base.number if self.base else ''}; nothing saved"
            )
            return False
        comment = self.ask_comment()
        if comment is None:
            return False
        try:
            changes, info = editing.save_version(
                self.workspace,
                artifact_id=self.details.id,
                content=text,
                author=self.user_name,
                comment=comment,
            )
        except UnchangedContent as error:
            self.notify(str(error))
            self._saved_text = text
            self._update_state()
            return False
        except ServiceError as error:
            self.report_error("Save Version", error)
            return False
        self._after_new_version(changes, info, text)
        self.notify(" ".join([f"Saved version {info.number}.", *changes.notices]))
        return True

    def _after_new_version(self, changes: ChangeSet, info: VersionInfo, text: str) -> None:
        assert self.workspace is not None and self.details is not None
        self._autosave_timer.stop()
        drafts.discard_draft(self.workspace, self.details.id)
        self.base = info
        self._saved_text = text
        self.details = artifacts.get_details(self.workspace, self.details.id)
        self._load_history()
        self._update_state()
        self.changes_made.emit(changes)

    def discard_changes(self) -> None:
        if self.workspace is None or self.details is None or not self.is_dirty():
            return
        answer = QMessageBox.question(
            self, "Discard Changes", "Discard the unsaved changes and go back to the last version?"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        drafts.discard_draft(self.workspace, self.details.id)
        self._set_text(self._saved_text)
        self.render_preview()
        self._update_state()

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        title = self.details.title if self.details else "the document"
        return QMessageBox.question(
            self,
            "Unsaved Changes",
            f"“{title}” has changes that are not saved as a version.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def can_leave(self) -> bool:
        if not self.is_dirty():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save_version()
        if answer == QMessageBox.StandardButton.Discard:
            if self.workspace is not None and self.details is not None:
                drafts.discard_draft(self.workspace, self.details.id)
            self._set_text(self._saved_text)
            return True
        return False

    # --- history ----------------------------------------------------------------------------

    def _selected_numbers(self) -> list[int]:
        rows = sorted(index.row() for index in self.history.selectionModel().selectedRows())
        return [self.history_model.version(row).number for row in rows]

    def _on_history_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        numbers = self._selected_numbers()
        if len(numbers) == 1:
            self.show_version(numbers[0])
        self._update_state()

    def show_version(self, number: int) -> None:
        """Show a past version read-only beside the draft, which stays as it is."""
        if self.workspace is None or self.artifact_id is None:
            return
        if self.base is not None and number == self.base.number and not self.is_dirty():
            self.show_draft()
            return
        text = versioning.get_version(self.workspace, self.artifact_id, number)
        when = format_datetime(text.info.created_at)
        self.version_banner.setText(
            f"<b>Version {number}</b> ({text.info.author}, {when}) is shown read-only."
        )
        self.version_view.setPlainText(text.content)
        self._shown_version = number
        self.preview.setHtml(for_qt(render_markdown(text.content)))
        self._follow_source()
        self.source_stack.setCurrentIndex(1)

    def show_draft(self) -> None:
        was_showing_version = self._shown_version is not None
        self._shown_version = None
        self.source_stack.setCurrentIndex(0)
        if was_showing_version:
            self.render_preview()

    def compare_selected(self) -> DiffDialog | None:
        numbers = self._selected_numbers()
        if len(numbers) != 2 or self.workspace is None or self.artifact_id is None:
            return None
        old_number, new_number = sorted(numbers)
        old = versioning.get_version(self.workspace, self.artifact_id, old_number).content
        new = versioning.get_version(self.workspace, self.artifact_id, new_number).content
        dialog = DiffDialog(
            old,
            new,
            old_label=f"version {old_number}",
            new_label=f"version {new_number}",
            restore=lambda: self.restore(old_number),
            parent=self,
        )
        dialog.open()
        return dialog

    def _restore_selected(self) -> None:
        numbers = self._selected_numbers()
        if len(numbers) == 1:
            self.restore(numbers[0])

    def confirm_restore(self, number: int, next_number: int) -> bool:
        answer = QMessageBox.question(
            self,
            "Restore Version",
            f"Restore version {number}? Its text becomes version {next_number}; "
            "the history stays as it is.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore(self, number: int) -> bool:
        if self.workspace is None or self.details is None or self.base is None or not number:
            return False
        if not self.confirm_restore(number, self.base.number + 1):
            return False
        if self.is_dirty() and not self.can_leave():
            return False
        try:
            changes, info = editing.restore_version(
                self.workspace, artifact_id=self.details.id, number=number, author=self.user_name
            )
        except ServiceError as error:
            self.report_error("Restore Version", error)
            return False
        text = versioning.get_version(self.workspace, self.details.id).content
        self._set_text(text)
        self._after_new_version(changes, info, text)
        self.show_draft()
        self.notify(f"Version {number} restored as version {info.number}")
        return True

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.workspace is None or self.details is None:
            return
        if self.details.id in changes.artifacts or changes.approvals:
            self.details = artifacts.get_details(self.workspace, self.details.id)
            self._load_history()
            self._update_state()

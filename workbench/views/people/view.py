"""The People pane: everyone who owns, reviews or approves, with their roles and signing keys.

Each row says what this computer can do with the person's key: sign with it (the private key
is in this computer's key store), only check signatures (the workspace holds the public key),
or nothing yet. From here people are added, given a signing identity, retired, and their
public keys exported for another workspace or imported from an approver's own computer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QStackedLayout,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.services.approvals import people
from workbench.services.approvals.people import PersonInfo
from workbench.services.common.errors import ServiceError
from workbench.services.store.changes import ChangeSet
from workbench.services.store.workspace import Workspace
from workbench.views.common.empty_state import empty_state_label
from workbench.views.common.files import FileKind, announce, ask_save_path, confirm_target
from workbench.views.common.pane import Pane
from workbench.views.common.record_table import configure_record_table
from workbench.views.documents.person_dialog import PersonDialog
from workbench.views.people.import_key_dialog import ImportKeyDialog
from workbench.views.people.model import WIDTHS, PeopleModel

KEY_FILTER = "Public key (*.pem);;All files (*)"
EMPTY_TEXT = (
    "No people yet.\n\nAdd the people who own, review and approve the ISMS documents: "
    "Add Person creates a signing identity on this computer; Import Public Key adds an "
    "approver who signs on their own computer."
)


class PeopleView(Pane):
    title = "People"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peopleView")
        self.model = PeopleModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)
        configure_record_table(self.table, WIDTHS)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.create_identity())
        self.empty_label = empty_state_label(EMPTY_TEXT, self)
        self.empty_label.setObjectName("peopleEmpty")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("peopleCount")

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("peopleToolbar")
        self.add_action = self._action("&Add Person…", self.add_person, "peopleAdd")
        self.identity_action = self._action(
            "Create Signing &Identity…", self.create_identity, "peopleCreateIdentity"
        )
        self.import_action = self._action("&Import Public Key…", self.import_key, "peopleImportKey")
        self.export_action = self._action("&Export Public Key…", self.export_key, "peopleExportKey")
        self.retire_action = self._action("&Retire…", self.retire_selected, "peopleRetire")

        stack = QWidget(self)
        self.stack = QStackedLayout(stack)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(stack, 1)
        layout.addWidget(self.count_label)
        self._update_state()

    def _action(self, text: str, slot: object, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    # --- showing ------------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        super().set_workspace(workspace)
        self.refresh()

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.people:
            self.refresh()

    def refresh(self) -> None:
        selected = self.selected_person()
        everyone = people.list_people(self.workspace) if self.workspace is not None else []
        self.model.set_people(everyone)
        self.stack.setCurrentWidget(self.table if everyone else self.empty_label)
        active = sum(1 for person in everyone if not person.retired)
        retired = len(everyone) - active
        self.count_label.setText(
            f"{active} active" + (f", {retired} retired" if retired else "") if everyone else ""
        )
        if selected is not None:
            self.select(selected.name)
        self._update_state()

    def select(self, name: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.person(row).name.lower() == name.lower():
                self.table.selectRow(row)
                return True
        return False

    def selected_person(self) -> PersonInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.person(rows[0].row()) if rows else None

    def _on_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self._update_state()

    def _update_state(self) -> None:
        person = self.selected_person()
        live = person is not None and not person.retired
        self.add_action.setEnabled(self.workspace is not None)
        self.import_action.setEnabled(self.workspace is not None)
        self.identity_action.setEnabled(live and person is not None and not person.can_sign_here)
        self.export_action.setEnabled(person is not None and person.key_fingerprint is not None)
        self.retire_action.setEnabled(live)

    # --- writes -------------------------------------------------------------------------------

    def _written(self, changes: ChangeSet, name: str) -> None:
        self.changes_made.emit(changes)
        self.select(name)

    def add_person(self) -> PersonDialog | None:
        if self.workspace is None:
            return None
        dialog = PersonDialog(self.workspace, actor=self.user_name, parent=self)
        dialog.changes_made.connect(lambda changes: self._written(changes, dialog.person_name))
        dialog.open()
        return dialog

    def create_identity(self) -> PersonDialog | None:
        person = self.selected_person()
        if self.workspace is None or person is None or person.retired or person.can_sign_here:
            return None
        dialog = PersonDialog(self.workspace, actor=self.user_name, existing=person, parent=self)
        dialog.changes_made.connect(lambda changes: self._written(changes, person.name))
        dialog.open()
        return dialog

    def import_key(self) -> ImportKeyDialog | None:
        if self.workspace is None:
            return None
        person = self.selected_person()
        dialog = ImportKeyDialog(
            self.workspace,
            actor=self.user_name,
            files=self.files,
            name=person.name if person is not None and not person.retired else "",
            parent=self,
        )
        dialog.changes_made.connect(lambda changes: self._written(changes, dialog.person_name))
        dialog.open()
        return dialog

    def ask_key_path(self, suggestion: Path) -> str:
        return ask_save_path(self, "Export Public Key", suggestion, KEY_FILTER)

    def export_key(self) -> Path | None:
        person = self.selected_person()
        if self.workspace is None or person is None or person.key_fingerprint is None:
            return None
        stem = "-".join(person.name.split())
        chosen = self.ask_key_path(self.files.suggest(FileKind.KEY, f"{stem}-public-key.pem"))
        if not chosen:
            return None
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(".pem")
        if not confirm_target(self, target, title="Export Public Key"):
            return None
        try:
            people.export_public_key(self.workspace, person.name, target)
        except ServiceError as error:
            self.report_error("Export Public Key", error)
            return None
        self.files.remember(FileKind.KEY, target)
        announce(
            self,
            "Export Public Key",
            f"Wrote {person.name}'s public key to {target}.\n\nFingerprint: "
            f"{person.fingerprint_text}\n\nWhoever imports it should check the fingerprint "
            f"with {person.name}.",
            target,
        )
        return target

    def ask_retire_reason(self, person: PersonInfo) -> str | None:
        reason, accepted = QInputDialog.getText(
            self,
            "Retire Person",
            f"Retire {person.name}? They stay listed and their signatures stay valid, but they "
            "can no longer be asked to approve.\n\nReason (recorded in the audit trail):",
        )
        return reason if accepted else None

    def retire_selected(self) -> bool:
        person = self.selected_person()
        if self.workspace is None or person is None or person.retired:
            return False
        reason = self.ask_retire_reason(person)
        if reason is None:
            return False
        try:
            changes, _ = people.retire_person(
                self.workspace, actor=self.user_name, name=person.name, reason=reason
            )
        except ServiceError as error:
            self.report_error("Retire Person", error)
            return False
        self._written(changes, person.name)
        return True

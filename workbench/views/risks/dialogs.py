"""The Risks pane's smaller dialogs: a new risk, a treatment action, a scenario from the starter
library, assets, and the risk owner's signature.

Signals (AcceptDialog):
    changes_made(ChangeSet): the acceptance was signed and recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.models import AcceptanceKind, AssetType
from workbench.services.approvals import people
from workbench.services.approvals.keystore import WrongPassphrase
from workbench.services.common.markup import escape
from workbench.services.risks import acceptance, records
from workbench.services.risks import assets as asset_service
from workbench.services.risks.acceptance import KIND_TITLES
from workbench.services.risks.library import RiskScenario, load_scenarios, search_scenarios
from workbench.services.risks.method import Axis
from workbench.services.store.workspace import Workspace
from workbench.views.common.form_dialog import FormDialog


def _date_edit(name: str, day: date, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def people_combo(workspace: Workspace, name: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.addItem("(no owner yet)", "")
    for person in people.list_people(workspace):
        combo.addItem(person.name, person.name)
    return combo


class NewRiskDialog(FormDialog):
    """A title and an owner: the rest is filled in the editor."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("New Risk", parent)
        self.setObjectName("newRiskDialog")
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("newRiskTitle")
        self.title_edit.setPlaceholderText("e.g. Ransomware encrypts the warehouse system")
        self.owner_combo = people_combo(workspace, "newRiskOwner", self)
        self.form.addRow("&Title", self.title_edit)
        self.form.addRow("Risk &owner", self.owner_combo)
        self.setMinimumWidth(460)


class ActionDialog(FormDialog):
    """What is to be done, by whom, by when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Treatment Action", parent)
        self.setObjectName("riskActionDialog")
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("riskActionText")
        self.text_edit.setPlaceholderText("e.g. Keep one backup copy offline")
        self.owner_edit = QLineEdit(self)
        self.owner_edit.setObjectName("riskActionOwner")
        self.due_check = QCheckBox("Due by", self)
        self.due_check.setChecked(True)
        self.due_edit = _date_edit("riskActionDue", date.today() + timedelta(days=90), self)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due = QHBoxLayout()
        due.addWidget(self.due_check)
        due.addWidget(self.due_edit, 1)
        self.form.addRow("&What", self.text_edit)
        self.form.addRow("&Owner", self.owner_edit)
        self.form.addRow("", due)
        self.setMinimumWidth(440)

    def values(self) -> tuple[str, str, date | None]:
        due = self.due_edit.date().toPython() if self.due_check.isChecked() else None
        return (
            self.text_edit.text(),
            self.owner_edit.text(),
            due if isinstance(due, date) else None,
        )


class LibraryDialog(QDialog):
    """Pick one or more scenarios of the starter library to add as risks."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Risks from the Starter Library")
        self.setObjectName("riskLibraryDialog")
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("riskLibrarySearch")
        self.search_edit.setPlaceholderText("Search: ransomware, laptop, supplier, A.8.13…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._fill)
        self.list = QListWidget(self)
        self.list.setObjectName("riskLibraryList")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemSelectionChanged.connect(self._update_ok)
        self.details = QTextBrowser(self)
        self.details.setObjectName("riskLibraryDetails")
        self.owner_combo = people_combo(workspace, "riskLibraryOwner", self)
        note = QLabel(
            "Scenarios are starting points, not an assessment: rate each risk for the client "
            "once added.",
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6470;")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.details)
        splitter.setSizes([320, 380])
        owner = QHBoxLayout()
        owner_label = QLabel("Risk &owner for the added risks", self)
        owner_label.setBuddy(self.owner_combo)
        owner.addWidget(owner_label)
        owner.addWidget(self.owner_combo, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(splitter, 1)
        layout.addWidget(note)
        layout.addLayout(owner)
        layout.addWidget(self.buttons)
        self.resize(760, 520)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for scenario in search_scenarios(self.search_edit.text(), load_scenarios()):
            item = QListWidgetItem(f"{scenario.id}  {scenario.title}")
            item.setData(Qt.ItemDataRole.UserRole, scenario.id)
            self.list.addItem(item)
        self._update_ok()

    def _show_current(self, item: QListWidgetItem | None) -> None:
        scenario = self._scenario(item)
        if scenario is None:
            self.details.clear()
            return
        self.details.setHtml(
            f"<h3>{escape(scenario.title)}</h3>"
            f"<p><b>Threat.</b> {escape(scenario.threat)}</p>"
            f"<p><b>Vulnerability.</b> {escape(scenario.vulnerability)}</p>"
            f"<p><b>Consequence.</b> {escape(scenario.consequence)}</p>"
            f"<p><b>Typical controls:</b> {escape(', '.join(scenario.controls))}</p>"
            f"<p style='color:#5b6470'>{escape(scenario.category.capitalize())}; typically "
            f"{escape(scenario.typical_likelihood)} likelihood, "
            f"{escape(scenario.typical_impact)} impact.</p>"
        )

    def _scenario(self, item: QListWidgetItem | None) -> RiskScenario | None:
        if item is None:
            return None
        wanted = item.data(Qt.ItemDataRole.UserRole)
        return next((s for s in load_scenarios() if s.id == wanted), None)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.list.selectedItems()))

    def select(self, *scenario_ids: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in scenario_ids)

    def chosen(self) -> list[RiskScenario]:
        found = [self._scenario(item) for item in self.list.selectedItems()]
        return sorted((s for s in found if s is not None), key=lambda s: s.id)

    @property
    def owner(self) -> str:
        return str(self.owner_combo.currentData() or "")


def draft_from(scenario: RiskScenario, owner: str) -> records.RiskDraft:
    return records.RiskDraft(
        title=scenario.title,
        threat=scenario.threat,
        vulnerability=scenario.vulnerability,
        consequence=scenario.consequence,
        owner=owner,
        controls=scenario.controls,
        source=scenario.id,
    )


class AssetsDialog(FormDialog):
    """The assets, and a form to add one."""

    def __init__(self, workspace: Workspace, actor: str, parent: QWidget | None = None) -> None:
        super().__init__("Assets", parent)
        self.setObjectName("assetsDialog")
        self.workspace = workspace
        self.actor = actor
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("assetList")
        self.tree.setHeaderLabels(["Asset", "Type", "Owner", "C / I / A", "Risks"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 220)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("assetName")
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("assetType")
        for kind in AssetType:
            self.type_combo.addItem(kind.value.capitalize(), kind.value)
        self.owner_edit = QLineEdit(self)
        self.owner_edit.setObjectName("assetOwner")
        self.ratings: list[QComboBox] = []
        ratings = QHBoxLayout()
        for letter in "CIA":
            combo = QComboBox(self)
            combo.setObjectName(f"assetRating{letter}")
            combo.addItem("—", None)
            for value, name in asset_service.RATINGS.items():
                combo.addItem(name, value)
            ratings.addWidget(QLabel(letter, self))
            ratings.addWidget(combo)
            self.ratings.append(combo)
        self.form.addRow(self.tree)
        self.form.addRow("New asset &name", self.name_edit)
        self.form.addRow("&Type", self.type_combo)
        self.form.addRow("&Owner", self.owner_edit)
        self.form.addRow("Ratings", ratings)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add Asset")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Close")
        self.on_submit(self._add)
        self.resize(620, 480)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        for info in asset_service.list_assets(self.workspace):
            self.tree.addTopLevelItem(
                QTreeWidgetItem(
                    [info.name, info.type.value, info.owner, info.rating_text(), str(info.risks)]
                )
            )

    changes_made = Signal(object)

    def _add(self) -> None:
        values = [combo.currentData() for combo in self.ratings]
        changes, _ = asset_service.add_asset(
            self.workspace, actor=self.actor, name=self.name_edit.text(),
            type=AssetType(self.type_combo.currentData()), owner=self.owner_edit.text(),
            confidentiality=values[0], integrity=values[1], availability=values[2],
        )  # fmt: skip
        self.changes_made.emit(changes)
        self.name_edit.clear()
        self.refresh()
        self.error_label.hide()

    def accept(self) -> None:
        # Adding keeps the dialog open for the next asset; Close closes it.
        if self._submit is not None:
            try:
                self._submit()
            except self._expected as error:
                from workbench.views.common.pane import _sentence

                self.error_label.setText(_sentence(str(error)))
                self.error_label.show()


class AcceptDialog(FormDialog):
    """The risk owner signs, with their passphrase, what the dialog shows."""

    changes_made = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        *,
        ref: str,
        kind: AcceptanceKind = AcceptanceKind.ACCEPTANCE,
        parent: QWidget | None = None,
    ) -> None:
        title = KIND_TITLES[kind].capitalize()
        super().__init__(title, parent)
        self.setObjectName("riskAcceptDialog")
        self.workspace = workspace
        self.kind = kind
        details = records.get_risk(workspace, ref)
        self.ref = details.ref
        method, draft = details.method, details.draft
        owner = people.get_person(workspace, draft.owner) if draft.owner else None

        def rating(axis: Axis, value: int | None) -> str:
            return f"{value} {method.label(axis, value)}" if value is not None else "not rated"

        self.summary = QLabel(self)
        self.summary.setObjectName("riskAcceptSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A wrapped label is measured at its minimum width; a sensible one keeps the row short.
        self.summary.setMinimumWidth(460)
        controls = ", ".join(records.short_control(c) for c in draft.controls) or "none"
        actions = "; ".join(a.text for a in details.actions if a.status.value != "cancelled")
        self.summary.setText(
            f"<b>{escape(details.ref)} {escape(draft.title)}</b><br>"
            f"Inherent: likelihood {escape(rating(Axis.LIKELIHOOD, draft.likelihood))}, impact "
            f"{escape(rating(Axis.IMPACT, draft.impact))}: "
            f"<b>{escape(details.level_name or '—')}</b><br>"
            f"Treatment: {escape(draft.treatment.value if draft.treatment else 'not decided')}; "
            f"planned controls {escape(controls)}"
            + (f"; actions: {escape(actions)}" if actions else "")
            + "<br>"
            f"Residual: likelihood {escape(rating(Axis.LIKELIHOOD, draft.residual_likelihood))},"
            f" impact {escape(rating(Axis.IMPACT, draft.residual_impact))}: "
            f"<b>{escape(details.residual_level_name or '—')}</b><br>"
            f"Risk owner, who signs: <b>{escape(self._signer_text(owner))}</b><br>"
            f"<span style='color:#5b6470'>Signed over a snapshot of this risk and risk method "
            f"version {method.version}; editing the risk afterwards makes the signature stale."
            "</span>"
        )
        self.expires_check = QCheckBox("Expires on", self)
        self.expires_check.setObjectName("riskAcceptExpires")
        self.expires_check.setChecked(kind is AcceptanceKind.ACCEPTANCE)
        self.expires_edit = _date_edit(
            "riskAcceptExpiryDate", date.today() + timedelta(days=365), self
        )
        self.expires_edit.setEnabled(self.expires_check.isChecked())
        self.expires_check.toggled.connect(self.expires_edit.setEnabled)
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires_check)
        expiry.addWidget(self.expires_edit, 1)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setObjectName("riskAcceptComment")
        self.comment_edit.setFixedHeight(56)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setObjectName("riskAcceptPassphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText("the passphrase of the risk owner's signing key")
        self.form.setRowWrapPolicy(self.form.RowWrapPolicy.DontWrapRows)
        self.form.addRow("Signs", self.summary)
        self.form.addRow("", expiry)
        self.form.addRow("&Comment", self.comment_edit)
        self.form.addRow("&Passphrase", self.passphrase_edit)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Sign")
        self.signer = owner.name if owner else ""
        if owner is None:
            self.error_label.setText("Only the risk owner signs; give the risk an owner first.")
            self.error_label.show()
            self.ok_button.setEnabled(False)
        self.on_submit(self._sign)
        self.setMinimumWidth(580)

    @staticmethod
    def _signer_text(owner: people.PersonInfo | None) -> str:
        if owner is None:
            return "the risk has no owner"
        return owner.name + ("" if owner.can_sign_here else " (key not on this computer)")

    def _sign(self) -> None:
        expires = self.expires_edit.date().toPython() if self.expires_check.isChecked() else None
        try:
            changes, _ = acceptance.sign(
                self.workspace, ref=self.ref, signer=self.signer,
                passphrase=self.passphrase_edit.text(), kind=self.kind,
                expires=expires if isinstance(expires, date) else None,
                comment=self.comment_edit.toPlainText(),
            )  # fmt: skip
        except WrongPassphrase:
            self.passphrase_edit.clear()
            self.passphrase_edit.setFocus()
            raise
        self.changes_made.emit(changes)

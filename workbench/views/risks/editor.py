"""The risk editor: one risk's fields, its treatment actions and its signed acceptances.

Levels are shown beside the ratings as the method computes them; they cannot be typed. Save
writes every changed field in one go; the actions and signatures below are written as they are
made.

Signals:
    changes_made(ChangeSet): the editor wrote to the workspace.
    document_open_requested(int): open a linked register document.
    control_requested(str): show a control (a catalog reference) elsewhere.
    accept_requested(str): the user asked to sign the acceptance (``acceptance``) or the plan
        approval (``plan_approval``) of the risk shown.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.models import AcceptanceKind, ActionStatus, RiskStatus, TreatmentOption
from workbench.services.approvals import people
from workbench.services.catalog.standards import default_catalog
from workbench.services.common.errors import ServiceError
from workbench.services.common.markup import escape
from workbench.services.risks import acceptance, checks, records
from workbench.services.risks import assets as asset_service
from workbench.services.risks.method import Axis, RiskMethod
from workbench.services.risks.records import RiskDetails, RiskDraft, short_control
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import _sentence
from workbench.views.risks.heat_map import ink
from workbench.views.risks.model import STATE_COLOURS

NO_OWNER = ""
TREATMENT_TITLES = {
    TreatmentOption.MODIFY: "Modify (reduce with controls)",
    TreatmentOption.RETAIN: "Retain (accept)",
    TreatmentOption.AVOID: "Avoid (stop the activity)",
    TreatmentOption.SHARE: "Share (transfer)",
}


def status_title(status: RiskStatus) -> str:
    return status.value.replace("_", " ").capitalize()


def level_badge(label: QLabel, method: RiskMethod | None, level: int | None) -> None:
    """Show a level as a coloured badge (or a dash when the risk is not rated)."""
    if method is None or level is None:
        label.setText("—")
        label.setStyleSheet("")
        return
    colour = QColor(method.level_colour(level))
    label.setText(method.level_name(level))
    label.setStyleSheet(
        f"QLabel {{ background: {colour.name()}; color: {ink(colour).name()}; "
        "border-radius: 3px; padding: 1px 8px; font-weight: bold; }"
    )


class RiskEditor(QWidget):
    changes_made = Signal(object)
    document_open_requested = Signal(int)
    control_requested = Signal(str)
    accept_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskEditor")
        self.workspace: Workspace | None = None
        self.user_name = ""
        self.details: RiskDetails | None = None
        self.method: RiskMethod | None = None
        self._documents: list[tuple[int, str]] = []
        self._loading = False
        self._build()
        self.show_risk(None)

    # --- construction -------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._on_edited)
        return edit

    def _text(self, name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(48)
        edit.textChanged.connect(self._on_edited)
        return edit

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        # Long labels ("5 Almost certain") must not widen the editor past its column.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.currentIndexChanged.connect(self._on_edited)
        return combo

    def _badge(self, name: str) -> QLabel:
        label = QLabel("—", self)
        label.setObjectName(name)
        label.setToolTip("Computed from the risk method; not typed")
        return label

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setObjectName("riskEditorHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.title_edit = self._line("riskTitle", "What could happen, in a few words")
        self.owner_combo = self._combo("riskOwner")
        self.threat_edit = self._text("riskThreat", "Threat: who or what could cause it")
        self.vulnerability_edit = self._text("riskVulnerability", "Vulnerability: what lets it")
        self.consequence_edit = self._text("riskConsequence", "Consequence: what it would cost")
        self.assets_edit = self._line("riskAssets", "Asset names, separated by commas")
        self.existing_edit = self._text("riskExistingControls", "Controls already in place")
        self.likelihood_combo = self._combo("riskLikelihood")
        self.impact_combo = self._combo("riskImpact")
        self.level_badge = self._badge("riskLevel")
        self.treatment_combo = self._combo("riskTreatment")
        self.treatment_combo.addItem("Not decided", None)
        for option in TreatmentOption:
            self.treatment_combo.addItem(TREATMENT_TITLES[option], option.value)
        self.controls_edit = self._line("riskControls", "Annex A controls, e.g. A.8.13, A.8.7")
        self.controls_label = QLabel(self)
        self.controls_label.setObjectName("riskControlLinks")
        self.controls_label.setWordWrap(True)
        self.controls_label.linkActivated.connect(self._on_control_link)
        self.residual_likelihood_combo = self._combo("riskResidualLikelihood")
        self.residual_impact_combo = self._combo("riskResidualImpact")
        self.residual_badge = self._badge("riskResidualLevel")
        self.status_combo = self._combo("riskStatus")
        for status in RiskStatus:
            self.status_combo.addItem(status_title(status), status.value)
        self.review_check = QCheckBox("Review on", self)
        self.review_check.setObjectName("riskReviewSet")
        self.review_check.toggled.connect(self._on_edited)
        self.review_edit = QDateEdit(self)
        self.review_edit.setObjectName("riskReviewDate")
        self.review_edit.setCalendarPopup(True)
        self.review_edit.setDisplayFormat("yyyy-MM-dd")
        self.review_edit.dateChanged.connect(self._on_edited)
        self.documents_label = QLabel(self)
        self.documents_label.setObjectName("riskDocumentLinks")
        self.documents_label.setWordWrap(True)
        self.documents_label.linkActivated.connect(self._on_document_link)
        self.link_button = QPushButton("Link Document…", self)
        self.link_button.setObjectName("riskLinkDocument")
        self.link_button.clicked.connect(self.link_document)

        self.save_button = QPushButton("&Save", self)
        self.save_button.setObjectName("riskSave")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setObjectName("riskRevert")
        self.revert_button.clicked.connect(self.revert)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("riskEditorError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # In a narrow column a label goes above its field rather than pushing it out of view.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Owner", self.owner_combo)
        form.addRow("Threat", self.threat_edit)
        form.addRow("Vulnerability", self.vulnerability_edit)
        form.addRow("Consequence", self.consequence_edit)
        form.addRow("Assets", self.assets_edit)
        form.addRow("Existing controls", self.existing_edit)
        form.addRow("Inherent", self._rating_row(
            self.likelihood_combo, self.impact_combo, self.level_badge
        ))  # fmt: skip
        form.addRow("T&reatment", self.treatment_combo)
        form.addRow("Planned controls", self.controls_edit)
        form.addRow("", self.controls_label)
        form.addRow("Residual", self._rating_row(
            self.residual_likelihood_combo, self.residual_impact_combo, self.residual_badge
        ))  # fmt: skip
        review = QHBoxLayout()
        review.addWidget(self.review_check)
        review.addWidget(self.review_edit, 1)
        form.addRow("&Status", self.status_combo)
        form.addRow("Next review", review)
        documents = QHBoxLayout()
        documents.addWidget(self.documents_label, 1)
        documents.addWidget(self.link_button)
        form.addRow("Documents", documents)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        self.actions_list = QListWidget(self)
        self.actions_list.setObjectName("riskActions")
        self.actions_list.setMaximumHeight(96)
        self.actions_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.add_action_button = QPushButton("Add Action…", self)
        self.add_action_button.setObjectName("riskAddAction")
        self.add_action_button.clicked.connect(self.add_action)
        self.done_button = QPushButton("Mark Done", self)
        self.done_button.setObjectName("riskActionDone")
        self.done_button.clicked.connect(self.mark_action_done)
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(self.add_action_button)
        action_buttons.addWidget(self.done_button)
        action_buttons.addStretch(1)
        actions_box = QGroupBox("Treatment actions", self)
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.addWidget(self.actions_list)
        actions_layout.addLayout(action_buttons)

        self.signatures_list = QListWidget(self)
        self.signatures_list.setObjectName("riskAcceptances")
        self.signatures_list.setMaximumHeight(76)
        self.signatures_list.setWordWrap(True)
        self.accept_button = QPushButton("Accept Residual Risk…", self)
        self.accept_button.setObjectName("riskAccept")
        self.accept_button.clicked.connect(
            lambda: self.accept_requested.emit(AcceptanceKind.ACCEPTANCE.value)
        )
        self.approve_button = QPushButton("Approve Plan…", self)
        self.approve_button.setObjectName("riskApprovePlan")
        self.approve_button.clicked.connect(
            lambda: self.accept_requested.emit(AcceptanceKind.PLAN_APPROVAL.value)
        )
        sign_buttons = QHBoxLayout()
        sign_buttons.addWidget(self.accept_button)
        sign_buttons.addWidget(self.approve_button)
        sign_buttons.addStretch(1)
        signatures_box = QGroupBox("Risk owner's signatures", self)
        signatures_layout = QVBoxLayout(signatures_box)
        signatures_layout.addWidget(self.signatures_list)
        signatures_layout.addLayout(sign_buttons)

        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("riskEditorProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #a15c00;")
        self.empty_label = QLabel("Select a risk to see and edit it.", self)
        self.empty_label.setObjectName("riskEditorEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.header)
        body.addWidget(self.problems_label)
        body.addLayout(form)
        body.addLayout(buttons)
        body.addWidget(actions_box)
        body.addWidget(signatures_box)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.body)

    def _rating_row(self, likelihood: QComboBox, impact: QComboBox, badge: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("L", self))
        row.addWidget(likelihood, 1)
        row.addWidget(QLabel("I", self))
        row.addWidget(impact, 1)
        row.addWidget(badge)
        return row

    # --- showing a risk -------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.workspace = workspace
        self.show_risk(None)

    def _fill_choices(self, method: RiskMethod) -> None:
        for combo, axis in (
            (self.likelihood_combo, Axis.LIKELIHOOD),
            (self.impact_combo, Axis.IMPACT),
            (self.residual_likelihood_combo, Axis.LIKELIHOOD),
            (self.residual_impact_combo, Axis.IMPACT),
        ):
            combo.clear()
            combo.addItem("—", None)
            for number, level in enumerate(method.scale(axis), start=1):
                combo.addItem(f"{number} {level.label}", number)
                combo.setItemData(number, level.description or level.label,
                                  Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        assert self.workspace is not None
        self.owner_combo.clear()
        self.owner_combo.addItem("(no owner)", NO_OWNER)
        for person in people.list_people(self.workspace):
            self.owner_combo.addItem(person.name, person.name)
        names = [asset.name for asset in asset_service.list_assets(self.workspace)]
        completer = QCompleter(names, self.assets_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.assets_edit.setCompleter(completer)

    def show_risk(self, ref: str | None) -> None:
        """Show a risk (None: nothing), reading it afresh from the workspace."""
        self.details = None
        if ref is not None and self.workspace is not None:
            try:
                self.details = records.get_risk(self.workspace, ref)
            except ServiceError:
                self.details = None
        self.empty_label.setVisible(self.details is None)
        self.body.setVisible(self.details is not None)
        self.error_label.hide()
        if self.details is None:
            return
        self._loading = True
        try:
            self.method = self.details.method
            self._fill_choices(self.method)
            self._show(self.details)
        finally:
            self._loading = False
        self._on_edited()

    def _show(self, details: RiskDetails) -> None:
        draft = details.draft
        source = f" · from {draft.source}" if draft.source else ""
        self.header.setText(f"<b style='font-size:13pt'>{escape(details.ref)}</b>{source}")
        self.title_edit.setText(draft.title)
        self.title_edit.setCursorPosition(0)
        owner = self.owner_combo.findData(draft.owner)
        if owner < 0:
            self.owner_combo.addItem(draft.owner, draft.owner)
            owner = self.owner_combo.count() - 1
        self.owner_combo.setCurrentIndex(owner)
        self.threat_edit.setPlainText(draft.threat)
        self.vulnerability_edit.setPlainText(draft.vulnerability)
        self.consequence_edit.setPlainText(draft.consequence)
        self.assets_edit.setText(", ".join(draft.assets))
        self.assets_edit.setCursorPosition(0)
        self.existing_edit.setPlainText(draft.existing_controls)
        for combo, value in (
            (self.likelihood_combo, draft.likelihood),
            (self.impact_combo, draft.impact),
            (self.residual_likelihood_combo, draft.residual_likelihood),
            (self.residual_impact_combo, draft.residual_impact),
        ):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        treatment = draft.treatment.value if draft.treatment else None
        self.treatment_combo.setCurrentIndex(max(self.treatment_combo.findData(treatment), 0))
        self.controls_edit.setText(", ".join(short_control(ref) for ref in draft.controls))
        self.status_combo.setCurrentIndex(self.status_combo.findData(draft.status.value))
        self.review_check.setChecked(draft.review_date is not None)
        review = draft.review_date or date.today().replace(year=date.today().year + 1)
        self.review_edit.setDate(QDate(review.year, review.month, review.day))
        self._documents = [(d.artifact_id, d.title) for d in details.documents]
        self._show_actions(details)
        self._show_signatures(details)
        self._show_problems(details)

    def _show_actions(self, details: RiskDetails) -> None:
        today = date.today()
        self.actions_list.clear()
        for action in details.actions:
            due = f" · due {action.due.isoformat()}" if action.due else ""
            owner = f" · {action.owner}" if action.owner else ""
            mark = {ActionStatus.DONE: "✔ ", ActionStatus.CANCELLED: "✖ "}.get(action.status, "")
            item = QListWidgetItem(f"{mark}{action.text}{owner}{due}")
            item.setData(Qt.ItemDataRole.UserRole, action.id)
            if action.overdue(today):
                item.setForeground(QColor("#b00020"))
                item.setText(f"Overdue · {item.text()}")
            elif action.status is not ActionStatus.OPEN:
                item.setForeground(QColor("#6b6b6b"))
            self.actions_list.addItem(item)
        if not details.actions:
            placeholder = QListWidgetItem("No actions yet.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.actions_list.addItem(placeholder)

    def _show_signatures(self, details: RiskDetails) -> None:
        assert self.workspace is not None
        today = date.today()
        self.signatures_list.clear()
        found = acceptance.acceptances_of(self.workspace, details.ref)
        for check in reversed(found):
            state = check.state(today)
            text = check.describe(today) + (" (superseded)" if check.superseded else "")
            item = QListWidgetItem(text)
            item.setToolTip(
                f"{text}\nKey {check.key_fingerprint[:16]}…, method version "
                f"{check.method_version}" + (f"\n“{check.comment}”" if check.comment else "")
            )
            item.setForeground(QColor("#8a8f96" if check.superseded else STATE_COLOURS[state]))
            self.signatures_list.addItem(item)
        if not found:
            placeholder = QListWidgetItem("Not signed.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.signatures_list.addItem(placeholder)

    def _show_problems(self, details: RiskDetails) -> None:
        assert self.workspace is not None
        problems = checks.check_risks(self.workspace, refs=[details.ref])
        self.problems_label.setText("\n".join(f"⚠ {_sentence(p.message)}" for p in problems))
        self.problems_label.setVisible(bool(problems))

    # --- the form ---------------------------------------------------------------------------

    def draft(self) -> RiskDraft:
        """The risk as the form shows it now."""
        assert self.details is not None
        treatment = self.treatment_combo.currentData()
        controls = self.controls_edit.text().replace(";", ",").split(",")
        review = self.review_edit.date().toPython() if self.review_check.isChecked() else None
        return replace(
            self.details.draft,
            title=self.title_edit.text().strip(),
            owner=str(self.owner_combo.currentData() or ""),
            threat=self.threat_edit.toPlainText().strip(),
            vulnerability=self.vulnerability_edit.toPlainText().strip(),
            consequence=self.consequence_edit.toPlainText().strip(),
            assets=tuple(a.strip() for a in self.assets_edit.text().split(",") if a.strip()),
            existing_controls=self.existing_edit.toPlainText().strip(),
            likelihood=self.likelihood_combo.currentData(),
            impact=self.impact_combo.currentData(),
            treatment=TreatmentOption(treatment) if treatment else None,
            controls=tuple(c.strip() for c in controls if c.strip()),
            residual_likelihood=self.residual_likelihood_combo.currentData(),
            residual_impact=self.residual_impact_combo.currentData(),
            status=RiskStatus(self.status_combo.currentData()),
            review_date=review if isinstance(review, date) else None,
            documents=tuple(artifact_id for artifact_id, _ in self._documents),
        )

    def _normalised(self, draft: RiskDraft) -> RiskDraft:
        refs = tuple(records.control_ref(c) for c in draft.controls)
        return replace(draft, controls=tuple(sorted(refs, key=records.control_order)))

    def is_dirty(self) -> bool:
        if self.details is None:
            return False
        try:
            return self._normalised(self.draft()) != self._normalised(self.details.draft)
        except ValueError:
            return True

    def _on_edited(self) -> None:
        if self._loading or self.details is None or self.method is None:
            return
        method = self.method
        level_badge(
            self.level_badge, method,
            method.level_of(self.likelihood_combo.currentData(), self.impact_combo.currentData()),
        )  # fmt: skip
        level_badge(
            self.residual_badge, method,
            method.level_of(
                self.residual_likelihood_combo.currentData(),
                self.residual_impact_combo.currentData(),
            ),
        )  # fmt: skip
        self._show_links()
        self._update_buttons()

    def _show_links(self) -> None:
        catalog = default_catalog()
        parts = []
        for text in self.controls_edit.text().replace(";", ",").split(","):
            if not text.strip():
                continue
            ref = records.control_ref(text)
            title = catalog.title(ref)
            label = f"{short_control(ref)} {title}" if title else f"{text.strip()} (unknown)"
            parts.append(f"<a href='{escape(ref)}'>{escape(label)}</a>")
        self.controls_label.setText("<br>".join(parts))
        self.controls_label.setVisible(bool(parts))
        self.documents_label.setText(
            " · ".join(
                f"<a href='{artifact_id}'>{escape(title or f'Document {artifact_id}')}</a>"
                for artifact_id, title in self._documents
            )
            or "<span style='color:#6b6b6b'>none</span>"
        )

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        item = self.actions_list.currentItem()
        action_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        open_action = False
        if self.details is not None and action_id is not None:
            open_action = any(
                a.id == action_id and a.status is ActionStatus.OPEN for a in self.details.actions
            )
        self.done_button.setEnabled(open_action)
        has_owner = self.details is not None and bool(self.details.draft.owner)
        self.accept_button.setEnabled(has_owner and not dirty)
        self.approve_button.setEnabled(has_owner and not dirty)
        tip = "" if has_owner else "The risk needs an owner: only the risk owner signs."
        if dirty:
            tip = "Save the risk first: the signature covers the risk as saved."
        self.accept_button.setToolTip(tip)
        self.approve_button.setToolTip(tip)

    def _on_control_link(self, ref: str) -> None:
        self.control_requested.emit(ref)

    def _on_document_link(self, link: str) -> None:
        self.document_open_requested.emit(int(link))

    # --- writing ----------------------------------------------------------------------------

    def _report(self, error: Exception) -> None:
        self.error_label.setText(_sentence(str(error)))
        self.error_label.show()

    def save(self) -> bool:
        """Write the form; False (with the reason shown) when the service refused it."""
        if self.details is None or self.workspace is None or not self.is_dirty():
            return True
        old, new = self.details.draft, self.draft()
        changes = {
            name: getattr(new, name)
            for name in records.DRAFT_FIELDS
            if getattr(new, name) != getattr(old, name)
        }
        try:
            written = records.update_risk(
                self.workspace, actor=self.user_name, ref=self.details.ref, changes=changes
            )
        except ServiceError as error:
            self._report(error)
            return False
        self.changes_made.emit(written)
        self.show_risk(self.details.ref)
        return True

    def revert(self) -> None:
        if self.details is not None:
            self.show_risk(self.details.ref)

    def ask_document(self, choices: list[str]) -> str | None:
        """Which register document to link (tests replace this)."""
        chosen, accepted = QInputDialog.getItem(
            self, "Link Document", "Register document:", choices, 0, False
        )
        return chosen if accepted else None

    def link_document(self) -> None:
        if self.workspace is None or self.details is None:
            return
        from workbench.services.register import listing as register_listing

        rows = register_listing.export_rows(
            self.workspace, register_listing.RegisterFilter(include_retired=False)
        )
        linked = {artifact_id for artifact_id, _ in self._documents}
        choices = {f"{row.id}  {row.title}": row for row in rows if row.id not in linked}
        if not choices:
            return
        chosen = self.ask_document(list(choices))
        if chosen is None:
            return
        row = choices[chosen]
        self._documents.append((row.id, row.title))
        self._on_edited()

    def ask_action(self) -> tuple[str, str, date | None] | None:
        """What, who and by when, for a new treatment action (tests replace this)."""
        from workbench.views.risks.dialogs import ActionDialog

        dialog = ActionDialog(self)
        if dialog.exec() != ActionDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def add_action(self) -> None:
        if self.workspace is None or self.details is None:
            return
        values = self.ask_action()
        if values is None:
            return
        text, owner, due = values
        try:
            written, _ = records.add_action(
                self.workspace, actor=self.user_name, ref=self.details.ref, text=text,
                owner=owner, due=due,
            )  # fmt: skip
        except ServiceError as error:
            self._report(error)
            return
        self.changes_made.emit(written)
        self.show_risk(self.details.ref)

    def mark_action_done(self) -> None:
        item = self.actions_list.currentItem()
        if item is None or self.workspace is None or self.details is None:
            return
        action_id = item.data(Qt.ItemDataRole.UserRole)
        if action_id is None:
            return
        try:
            written = records.complete_action(
                self.workspace, actor=self.user_name, action_id=int(action_id)
            )
        except ServiceError as error:
            self._report(error)
            return
        self.changes_made.emit(written)
        self.show_risk(self.details.ref)

    def ask_to_leave(self) -> bool:
        """With unsaved changes: save, discard, or stay (False)."""
        if not self.is_dirty():
            return True
        assert self.details is not None
        answer = QMessageBox.question(
            self,
            "Unsaved Risk",
            f"Save the changes to {self.details.ref}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.revert()
            return True
        return False

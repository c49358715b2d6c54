"""Build ISMS Components: the client's profile, the documents to create, owners and intervals.

Signals:
    built(ChangeSet, list): the artifacts were created (change set, their ids).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from workbench.services.common.errors import ServiceError
from workbench.services.register import isms_build, profile
from workbench.services.register.isms_build import BuildItem, BuildPlan
from workbench.services.store.workspace import Workspace
from workbench.views.common.pane import _sentence
from workbench.views.register.profile_dialog import ProfileFields

CREATE, TITLE, OWNER, INTERVAL = range(4)


class ProfilePage(QWizardPage):
    def __init__(self, fields: ProfileFields) -> None:
        super().__init__()
        self.setTitle("The client")
        self.setSubTitle(
            "Who the ISMS is for. The documents are written with these details; you can change "
            "them later under Register > Workspace Profile."
        )
        self.fields = fields
        form = QFormLayout()
        for label, widget in fields.rows():
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)  # the rows stay together; the spare height goes below them
        for edit in (fields.organisation, fields.owner):
            edit.textChanged.connect(self.completeChanged)
        fields.scope.textChanged.connect(self.completeChanged)
        fields.target.value_changed.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        # A target that is not a date keeps Next disabled; the field says why.
        return self.fields.required_filled() and self.fields.target.is_valid()


class ArtifactsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Documents to create")
        self.setSubTitle(
            "The core ISMS set is selected. Add topic-specific policies as the client needs "
            "them; set each document's owner and how often it is reviewed."
        )
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("buildItems")
        self.table.setHorizontalHeaderLabels(["Create", "Document", "Owner", "Review (months)"])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # The headers are read in full, whatever the cells hold.
        for column in (CREATE, OWNER, INTERVAL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self.completeChanged)
        self.present_label = QLabel(self)
        self.present_label.setObjectName("buildAlreadyPresent")
        self.present_label.setWordWrap(True)
        select_all = QPushButton("Select &all", self)
        select_all.clicked.connect(lambda: self._select(lambda item: True))
        core_only = QPushButton("&Core only", self)
        core_only.clicked.connect(lambda: self._select(lambda item: item.core))
        buttons = QHBoxLayout()
        buttons.addWidget(select_all)
        buttons.addWidget(core_only)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.present_label)
        self._items: list[BuildItem] = []

    def show_plan(self, plan: BuildPlan, owner: str) -> None:
        self._items = list(plan.items)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            check = QTableWidgetItem("core" if item.core else "policy")
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if item.selected else Qt.CheckState.Unchecked)
            title = QTableWidgetItem(item.title)
            title.setToolTip(item.description)
            self.table.setItem(row, CREATE, check)
            self.table.setItem(row, TITLE, title)
            self.table.setItem(row, OWNER, QTableWidgetItem(item.owner or owner))
            self.table.setItem(row, INTERVAL, QTableWidgetItem(str(item.review_interval_months)))
        self.table.blockSignals(False)
        if plan.already_present:
            self.present_label.setText(
                f"{len(plan.already_present)} document(s) already exist in this workspace and "
                "are not offered again."
            )
        self.completeChanged.emit()

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        cell = self.table.item(row, column)
        assert cell is not None, "show_plan fills every cell"
        return cell

    def _select(self, rule: Callable[[BuildItem], bool]) -> None:
        for row, item in enumerate(self._items):
            checked = Qt.CheckState.Checked if rule(item) else Qt.CheckState.Unchecked
            self._cell(row, CREATE).setCheckState(checked)

    def chosen(self) -> list[BuildItem]:
        chosen = []
        for row, item in enumerate(self._items):
            if self._cell(row, CREATE).checkState() != Qt.CheckState.Checked:
                continue
            interval_text = self._cell(row, INTERVAL).text().strip()
            interval = int(interval_text) if interval_text.isdigit() else 0
            chosen.append(
                replace(
                    item,
                    title=self._cell(row, TITLE).text().strip(),
                    owner=self._cell(row, OWNER).text().strip(),
                    review_interval_months=interval,
                    selected=True,
                )
            )
        return chosen

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return bool(self.chosen())


class SummaryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Summary")
        self.setSubTitle("Click Create to add these documents to the register as drafts.")
        self.text = QLabel(self)
        self.text.setObjectName("buildSummary")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.error = QLabel(self)
        self.error.setObjectName("buildError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addWidget(self.error)


class IsmsBuildWizard(QWizard):
    built = Signal(object, list)

    def __init__(self, workspace: Workspace, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ismsBuildWizard")
        self.setWindowTitle("Build ISMS Components")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create")
        self.workspace = workspace
        self.actor = actor
        self.fields = ProfileFields(profile.get_profile(workspace))
        self.profile_page = ProfilePage(self.fields)
        self.artifacts_page = ArtifactsPage()
        self.summary_page = SummaryPage()
        for page in (self.profile_page, self.artifacts_page, self.summary_page):
            self.addPage(page)
        self.currentIdChanged.connect(self._on_page_changed)
        self.created: list[int] = []
        self.resize(760, 560)

    def _on_page_changed(self, page_id: int) -> None:
        page = self.page(page_id)
        if page is self.artifacts_page and not self.artifacts_page._items:
            owner = self.fields.owner.text().strip()
            plan = isms_build.with_owner(isms_build.plan_build(self.workspace), owner)
            self.artifacts_page.show_plan(plan, owner)
        elif page is self.summary_page:
            items = self.artifacts_page.chosen()
            rows = "".join(
                f"<li>{escape(item.title)} — {escape(item.owner or 'no owner')}, "
                f"review every {item.review_interval_months} months</li>"
                for item in items
            )
            values = self.fields.values()
            target = values["certification_target"]
            when = (
                f"Certification target: {target.isoformat()}."
                if isinstance(target, date)
                else "No certification target set yet."
            )
            self.summary_page.text.setText(
                f"<p><b>{escape(str(values['organisation_name']))}</b>: "
                f"{escape(str(values['isms_scope']))}</p>"
                f"<p>ISMS owner: {escape(str(values['isms_owner']))}. {when}</p>"
                f"<p>{len(items)} document(s), each as version 1 in draft:</p><ul>{rows}</ul>"
            )
            self.summary_page.error.clear()

    def accept(self) -> None:
        try:
            changes, created = isms_build.build_isms(
                self.workspace,
                actor=self.actor,
                items=self.artifacts_page.chosen(),
                profile_changes=self.fields.values(),
            )
        except (ServiceError, ValueError) as error:
            self.summary_page.error.setText(_sentence(str(error)) + " Nothing was created.")
            return
        self.created = created
        self.built.emit(changes, created)
        super().accept()

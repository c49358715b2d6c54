"""New Artifact and Edit Properties: title, kind, owner, clause links, review interval."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from workbench.models import ArtifactKind
from workbench.services.register.artifacts import ArtifactDetails
from workbench.services.register.templates import Template
from workbench.views.common.date_edit import DateEdit
from workbench.views.common.form_dialog import FormDialog

BLANK = ""


def kind_label(kind: ArtifactKind) -> str:
    return kind.value.replace("_", " ").capitalize()


class ArtifactDialog(FormDialog):
    def __init__(
        self,
        *,
        templates: dict[str, Template] | None = None,
        details: ArtifactDetails | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit Properties" if details else "New Artifact", parent)
        self.setObjectName("artifactDialog")
        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("artifactTemplate")
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("artifactTitle")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("artifactKind")
        for kind in ArtifactKind:
            self.kind_combo.addItem(kind_label(kind), kind.value)
        self.owner_edit = QLineEdit(self)
        self.owner_edit.setObjectName("artifactOwner")
        self.refs_edit = QLineEdit(self)
        self.refs_edit.setObjectName("artifactRefs")
        self.refs_edit.setPlaceholderText("e.g. 6.1.2, A.5.15 (ISO/IEC 27001:2022)")
        self.interval_spin = QSpinBox(self)
        self.interval_spin.setObjectName("artifactInterval")
        self.interval_spin.setRange(1, 120)
        self.interval_spin.setSuffix(" months")
        self.interval_spin.setValue(12)
        # Set from the review interval when an artifact is created; moved by hand afterwards.
        self.next_review_edit = DateEdit(
            details.next_review if details else None,
            optional=True,
            placeholder="not scheduled",
            name="Next review",
            parent=self,
        )
        self.next_review_edit.setObjectName("artifactNextReview")
        self._templates = templates or {}

        if details is None:
            self.template_combo.addItem("Blank document", BLANK)
            for template in self._templates.values():
                self.template_combo.addItem(template.title, template.key)
            self.template_combo.currentIndexChanged.connect(self._on_template_changed)
            self.form.addRow("&Template", self.template_combo)
        else:
            self.template_combo.hide()
            self.title_edit.setText(details.title)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(details.kind.value))
            self.owner_edit.setText(details.owner)
            self.refs_edit.setText(", ".join(short_ref(ref) for ref in details.refs))
            self.interval_spin.setValue(details.review_interval_months)
        self.form.addRow("T&itle", self.title_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("&Owner", self.owner_edit)
        self.form.addRow("&Clauses and controls", self.refs_edit)
        self.form.addRow("&Review every", self.interval_spin)
        if details is not None:
            self.form.addRow("&Next review", self.next_review_edit)
        else:
            self.next_review_edit.hide()
        self.resize(520, self.sizeHint().height())

    def _on_template_changed(self) -> None:
        template = self._templates.get(self.template_combo.currentData() or "")
        if template is None:
            return
        self.title_edit.setText(template.title)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(template.kind.value))
        self.refs_edit.setText(", ".join(short_ref(ref) for ref in template.refs))
        self.interval_spin.setValue(template.review_interval_months)

    @property
    def template_key(self) -> str:
        return str(self.template_combo.currentData() or "")

    @property
    def kind(self) -> ArtifactKind:
        return ArtifactKind(self.kind_combo.currentData())

    @property
    def refs(self) -> list[str]:
        return [full_ref(part) for part in self.refs_edit.text().replace(";", ",").split(",")]


def short_ref(ref: str) -> str:
    """Clauses of the main standard are shown without the pack prefix."""
    return ref.removeprefix("ISO27001:2022/")


def full_ref(text: str) -> str:
    text = text.strip()
    if not text or "/" in text:
        return text
    if text[0].isdigit() or text.startswith("A."):
        return f"ISO27001:2022/{text}"
    return text

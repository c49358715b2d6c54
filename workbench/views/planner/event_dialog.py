"""New Event / Edit Event: every field of a planner event, for one occurrence or a series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.models import EventKind, EventStatus
from workbench.services.common.errors import ServiceError
from workbench.services.planner import recurrence
from workbench.services.planner.drafts import (
    KIND_LABELS,
    EventDraft,
    OccurrenceChange,
    all_day_start,
)
from workbench.services.planner.recurrence import Recurrence
from workbench.services.planner.schedule import Occurrence
from workbench.views.common.artifact_dialog import full_ref, short_ref
from workbench.views.common.date_edit import DateEntryError, DateTimeEdit
from workbench.views.common.dates import format_day
from workbench.views.common.form_dialog import FormDialog

ArtifactSearch = Callable[[str], list[tuple[int, str]]]

REPEAT_CHOICES = (
    (Recurrence.NONE, "Does not repeat"),
    (Recurrence.MONTHLY, "Monthly"),
    (Recurrence.QUARTERLY, "Quarterly (every 3 months)"),
    (Recurrence.YEARLY, "Yearly"),
    (Recurrence.CUSTOM, "Custom rule (RRULE)…"),
)
REMINDERS = (
    (None, "No reminder"),
    (15, "15 minutes before"),
    (60, "1 hour before"),
    (24 * 60, "1 day before"),
    (7 * 24 * 60, "1 week before"),
    (14 * 24 * 60, "2 weeks before"),
)
STATUS_LABELS = {
    EventStatus.PLANNED: "Planned",
    EventStatus.DONE: "Done",
    EventStatus.CANCELLED: "Cancelled",
}
PREVIEW_COUNT = 4


class Mode(Enum):
    NEW = "new"
    SERIES = "series"
    OCCURRENCE = "occurrence"


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """What the fields show: the wall-clock time in ``zone``, without a zone."""
    return moment.astimezone(zone).replace(tzinfo=None)


class EventDialog(FormDialog):
    """Edits a draft; :meth:`draft` (series, new event) or :meth:`change` (one occurrence)."""

    def __init__(
        self,
        *,
        mode: Mode,
        draft: EventDraft,
        zone: tzinfo,
        occurrence: Occurrence | None = None,
        artifact_titles: dict[int, str] | None = None,
        artifact_search: ArtifactSearch | None = None,
        parent: QWidget | None = None,
    ) -> None:
        titles = {
            Mode.NEW: "New Event",
            Mode.SERIES: "Edit Event" if not draft.rrule else "Edit All Events in the Series",
            Mode.OCCURRENCE: "Edit This Event Only",
        }
        super().__init__(titles[mode], parent)
        self.setObjectName("eventDialog")
        self.mode, self.zone, self._base = mode, zone, draft
        self._search = artifact_search
        self._build_fields()
        self._fill(draft, occurrence, artifact_titles or {})
        self._on_all_day_toggled(self.all_day_check.isChecked())
        self._on_repeat_changed()
        self._initial = self._snapshot()
        if mode is Mode.OCCURRENCE:
            for widget in (self.kind_combo, self.all_day_check, self.repeat_combo,
                           self.rule_edit, self.reminder_combo, self.refs_edit,
                           self.artifact_edit, self.artifact_list, self.unlink_button):  # fmt: skip
                widget.setEnabled(False)
                widget.setToolTip("Shared by the whole series: edit all events to change it.")
        self.resize(560, self.sizeHint().height())

    # --- construction -----------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("eventTitle")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("eventKind")
        for kind in EventKind:
            self.kind_combo.addItem(KIND_LABELS[kind], kind.value)
        self.all_day_check = QCheckBox("All day", self)
        self.all_day_check.setObjectName("eventAllDay")
        self.all_day_check.toggled.connect(self._on_all_day_toggled)
        now = datetime.now().replace(second=0, microsecond=0)
        self.start_edit = DateTimeEdit(now, name="Start", parent=self)
        self.start_edit.setObjectName("eventStart")
        self.end_edit = DateTimeEdit(now, name="End", parent=self)
        self.end_edit.setObjectName("eventEnd")
        self.start_edit.value_changed.connect(self._on_start_changed)
        self.end_label = QLabel("&Ends", self)
        self.end_label.setBuddy(self.end_edit)
        self.repeat_combo = QComboBox(self)
        self.repeat_combo.setObjectName("eventRepeat")
        for preset, label in REPEAT_CHOICES:
            self.repeat_combo.addItem(label, preset.value)
        self.repeat_combo.currentIndexChanged.connect(self._on_repeat_changed)
        self.rule_edit = QLineEdit(self)
        self.rule_edit.setObjectName("eventRule")
        self.rule_edit.setPlaceholderText("e.g. FREQ=MONTHLY;BYDAY=2TU or FREQ=YEARLY;BYMONTH=3,9")
        self.rule_edit.textChanged.connect(self._on_repeat_changed)
        self.rule_check = QLabel(self)
        self.rule_check.setObjectName("eventRuleCheck")
        self.rule_check.setWordWrap(True)
        self.location_edit = QLineEdit(self)
        self.location_edit.setObjectName("eventLocation")
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("eventStatus")
        for status, label in STATUS_LABELS.items():
            self.status_combo.addItem(label, status.value)
        self.outcome_edit = QLineEdit(self)
        self.outcome_edit.setObjectName("eventOutcome")
        self.outcome_edit.setPlaceholderText("What came of it (after the event)")
        self.reminder_combo = QComboBox(self)
        self.reminder_combo.setObjectName("eventReminder")
        for minutes, label in REMINDERS:
            self.reminder_combo.addItem(label, minutes)
        self.refs_edit = QLineEdit(self)
        self.refs_edit.setObjectName("eventRefs")
        self.refs_edit.setPlaceholderText("e.g. 9.2, A.5.35 (ISO/IEC 27001:2022)")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setObjectName("eventNotes")
        self.notes_edit.setFixedHeight(70)
        self._build_artifact_links()

        when = QHBoxLayout()
        when.addWidget(self.start_edit, 1)
        when.addWidget(self.all_day_check)
        self.form.addRow("&Title", self.title_edit)
        self.form.addRow("&Kind", self.kind_combo)
        starts = QLabel("&Starts", self)
        starts.setBuddy(self.start_edit)
        self.form.addRow(starts, when)
        self.form.addRow(self.end_label, self.end_edit)
        self.form.addRow("&Repeats", self.repeat_combo)
        self.form.addRow("", self.rule_edit)
        self.form.addRow("", self.rule_check)
        self.form.addRow("&Location", self.location_edit)
        self.form.addRow("Stat&us", self.status_combo)
        self.form.addRow("&Outcome", self.outcome_edit)
        self.form.addRow("Re&minder", self.reminder_combo)
        self.form.addRow("&Clauses", self.refs_edit)
        self.form.addRow("&Artifacts", self.artifacts_box)
        self.form.addRow("&Notes", self.notes_edit)

    def _build_artifact_links(self) -> None:
        self.artifacts_box = QWidget(self)
        self.artifact_edit = QLineEdit(self.artifacts_box)
        self.artifact_edit.setObjectName("eventArtifactSearch")
        self.artifact_edit.setPlaceholderText("Type to find an artifact to link…")
        self._completion = QStringListModel(self)
        self._found: dict[str, int] = {}
        completer = QCompleter(self._completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._on_artifact_chosen)
        self.artifact_edit.setCompleter(completer)
        self.artifact_edit.textEdited.connect(self._on_artifact_text)
        self.artifact_list = QListWidget(self.artifacts_box)
        self.artifact_list.setObjectName("eventArtifacts")
        self.artifact_list.setFixedHeight(56)
        self.unlink_button = QPushButton("Unlink", self.artifacts_box)
        self.unlink_button.clicked.connect(self._unlink_selected)
        layout = QVBoxLayout(self.artifacts_box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.artifact_edit, 1)
        row.addWidget(self.unlink_button)
        layout.addLayout(row)
        layout.addWidget(self.artifact_list)

    def _fill(
        self, draft: EventDraft, occurrence: Occurrence | None, titles: dict[int, str]
    ) -> None:
        source = occurrence or draft
        self.title_edit.setText(source.title)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(draft.kind.value))
        self.all_day_check.setChecked(draft.all_day)
        start = source.start
        end = source.end
        self.start_edit.set_value(_local(self._shown(start, draft.all_day), self.zone))
        if draft.all_day:
            last = (end - timedelta(days=1)) if end and end > start else start
            self.end_edit.set_value(_local(self._shown(last, True), self.zone))
        else:
            self.end_edit.set_value(_local(end or start + timedelta(hours=1), self.zone))
        preset = recurrence.preset_of(draft.rrule)
        self.repeat_combo.setCurrentIndex(self.repeat_combo.findData(preset.value))
        if preset is Recurrence.CUSTOM:
            self.rule_edit.setText(draft.rrule or "")
        self.location_edit.setText(occurrence.location if occurrence else draft.location)
        status = occurrence.status if occurrence else draft.status
        self.status_combo.setCurrentIndex(self.status_combo.findData(status.value))
        self.outcome_edit.setText(draft.outcome)
        self.notes_edit.setPlainText(draft.notes)
        index = self.reminder_combo.findData(draft.reminder_minutes)
        if index < 0:
            self.reminder_combo.addItem(
                f"{draft.reminder_minutes} minutes before", draft.reminder_minutes
            )
            index = self.reminder_combo.count() - 1
        self.reminder_combo.setCurrentIndex(index)
        self.refs_edit.setText(", ".join(short_ref(ref) for ref in draft.refs))
        for artifact_id in draft.artifact_ids:
            self._add_link(artifact_id, titles.get(artifact_id, f"Artifact {artifact_id}"))

    def _shown(self, moment: datetime, all_day: bool) -> datetime:
        # All-day dates are stored at 00:00 UTC: show that date, whatever the local zone.
        if all_day:
            return datetime.combine(moment.astimezone(UTC).date(), time(), tzinfo=self.zone)
        return moment

    # --- reactions --------------------------------------------------------------------------

    def _on_all_day_toggled(self, all_day: bool) -> None:
        for edit in (self.start_edit, self.end_edit):
            edit.set_time_shown(not all_day)
        self.end_label.setText("&Last day" if all_day else "&Ends")
        self._on_repeat_changed()

    def _on_start_changed(self) -> None:
        # The end follows a start moved past it, as in calendar programs.
        start, end = self.start_edit.value_or_none(), self.end_edit.value_or_none()
        if start is not None and end is not None and end < start:
            self.end_edit.set_value(start + timedelta(hours=1) if not self.all_day else start)
        self._on_repeat_changed()

    def _on_repeat_changed(self) -> None:
        preset = Recurrence(self.repeat_combo.currentData())
        self.rule_edit.setVisible(preset is Recurrence.CUSTOM)
        rule = recurrence.rule_for(preset, self.rule_edit.text())
        if rule is None:
            self.rule_check.setText("")
            self.rule_check.setVisible(preset is Recurrence.CUSTOM)
            return
        self.rule_check.setVisible(True)
        try:
            start = self._start()
        except DateEntryError as error:
            self.rule_check.setStyleSheet("color: #b00020;")
            self.rule_check.setText(str(error))
            return
        try:
            normal = recurrence.normalize(
                rule, dtstart=start, all_day=self.all_day, tzid=self._tzid()
            )
        except ServiceError as error:
            self.rule_check.setStyleSheet("color: #b00020;")
            self.rule_check.setText(str(error))
            return
        upcoming = recurrence.starts_between(
            normal, start, start, start + timedelta(days=3660),
            all_day=self.all_day, tzid=self._tzid(),
        )[:PREVIEW_COUNT]  # fmt: skip
        shown = [
            (u if not self.all_day else self._shown(u, True)).astimezone(self.zone)
            for u in upcoming
        ]
        self.rule_check.setStyleSheet("")
        self.rule_check.setText("Next: " + ", ".join(format_day(d) for d in shown) + " …")

    def _on_artifact_text(self, text: str) -> None:
        if self._search is None or len(text.strip()) < 2:
            return
        found = self._search(text.strip())
        self._found = {f"{title} (#{artifact_id})": artifact_id for artifact_id, title in found}
        self._completion.setStringList(list(self._found))

    def _on_artifact_chosen(self, text: str) -> None:
        artifact_id = self._found.get(text)
        if artifact_id is not None and artifact_id not in self.artifact_ids:
            self._add_link(artifact_id, text)
        self.artifact_edit.clear()

    def _add_link(self, artifact_id: int, label: str) -> None:
        item = QListWidgetItem(label, self.artifact_list)
        item.setData(Qt.ItemDataRole.UserRole, artifact_id)

    def _unlink_selected(self) -> None:
        for item in self.artifact_list.selectedItems():
            self.artifact_list.takeItem(self.artifact_list.row(item))

    # --- values -----------------------------------------------------------------------------

    @property
    def all_day(self) -> bool:
        return self.all_day_check.isChecked()

    @property
    def artifact_ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.artifact_list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.artifact_list.count())
        )

    def _tzid(self) -> str | None:
        return getattr(self.zone, "key", None) if not self.all_day else None

    def _start(self) -> datetime:
        start = self.start_edit.value().replace(tzinfo=self.zone)
        return all_day_start(start.date()) if self.all_day else start

    def _end(self) -> datetime | None:
        end = self.end_edit.value().replace(tzinfo=self.zone)
        if self.all_day:
            last: date = end.date()
            return all_day_start(last + timedelta(days=1)) if last > self._start().date() else None
        return end

    def draft(self) -> EventDraft:
        """The event as entered (checked by the service when it is saved)."""
        preset = Recurrence(self.repeat_combo.currentData())
        return EventDraft(
            kind=EventKind(self.kind_combo.currentData()),
            title=self.title_edit.text(),
            start=self._start(),
            end=self._end(),
            all_day=self.all_day,
            rrule=recurrence.rule_for(preset, self.rule_edit.text()),
            tzid=self._tzid()
            if self._base.tzid is None or self.mode is Mode.NEW
            else self._base.tzid,
            location=self.location_edit.text(),
            notes=self.notes_edit.toPlainText(),
            status=EventStatus(self.status_combo.currentData()),
            outcome=self.outcome_edit.text(),
            reminder_minutes=self.reminder_combo.currentData(),
            artifact_ids=self.artifact_ids,
            refs=tuple(
                ref for ref in (full_ref(p) for p in self.refs_edit.text().split(",")) if ref
            ),
            uid=self._base.uid,
        )

    def change(self) -> OccurrenceChange:
        """The changes to one occurrence (None where the user left a value as it was)."""
        now = self._snapshot()
        moved = now["when"] != self._initial["when"]
        start, end = self._start(), self._end()

        def changed(name: str) -> str | None:
            value = now[name]
            return value if value != self._initial[name] and isinstance(value, str) else None

        status = EventStatus(self.status_combo.currentData())
        return OccurrenceChange(
            start=start if moved else None,
            end=end if moved else None,
            title=changed("title"),
            location=changed("location"),
            notes=changed("notes"),
            status=status if now["status"] != self._initial["status"] else None,
            outcome=changed("outcome"),
        )

    def _snapshot(self) -> dict[str, object]:
        return {
            "when": (self.start_edit.value_or_none(), self.end_edit.value_or_none()),
            "title": self.title_edit.text(),
            "location": self.location_edit.text(),
            "notes": self.notes_edit.toPlainText(),
            "status": self.status_combo.currentData(),
            "outcome": self.outcome_edit.text(),
        }

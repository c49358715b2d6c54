"""The workspace profile: the client organisation and its ISMS, which templates draw on."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from workbench.models import WorkspaceProfile
from workbench.services.common import zones
from workbench.services.common.errors import ServiceError
from workbench.views.common.form_dialog import FormDialog, Submit
from workbench.views.register.date_field import DateField


class TimeZoneBox(QComboBox):
    """An IANA time zone, typed or picked; empty means the zone of the computer in use."""

    def __init__(self, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileTimeZone")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(["", *zones.zone_names()])
        completer = QCompleter(list(zones.zone_names()), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        here = zones.local_zone_name() or "local time"
        line.setPlaceholderText(f"this computer's zone ({here})")
        self.setCurrentText(value)
        self.setToolTip(
            "Dates and times in the audit pack's planner, calendar exports and the register's "
            "spreadsheet are shown in this zone."
        )

    def value(self) -> str:
        return self.currentText().strip()


class ProfileFields(QWidget):
    """The profile's fields, shared by the profile dialog and the build wizard."""

    def __init__(self, profile: WorkspaceProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.organisation = QLineEdit(profile.organisation_name, self)
        self.organisation.setObjectName("profileOrganisation")
        self.scope = QPlainTextEdit(profile.isms_scope, self)
        self.scope.setObjectName("profileScope")
        self.scope.setTabChangesFocus(True)
        self.scope.setFixedHeight(70)
        self.owner = QLineEdit(profile.isms_owner, self)
        self.owner.setObjectName("profileOwner")
        self.target = DateField(profile.certification_target, name="targetDate", parent=self)
        self.locations = QLineEdit(profile.locations, self)
        self.locations.setObjectName("profileLocations")
        self.industry = QLineEdit(profile.industry, self)
        self.industry.setObjectName("profileIndustry")
        self.time_zone = TimeZoneBox(profile.time_zone, self)

    def values(self) -> dict[str, str | date | None]:
        """The fields as the profile stores them.

        Raises:
            ValueError: the certification target is not a date.
        """
        return {
            "organisation_name": self.organisation.text().strip(),
            "isms_scope": self.scope.toPlainText().strip(),
            "isms_owner": self.owner.text().strip(),
            "certification_target": self.target.value(),
            "locations": self.locations.text().strip(),
            "industry": self.industry.text().strip(),
            "time_zone": self.time_zone.value(),
        }

    def rows(self) -> list[tuple[str, QWidget]]:
        return [
            ("&Organisation", self.organisation),
            ("ISMS &scope", self.scope),
            ("ISMS o&wner", self.owner),
            ("&Certification target", self.target),
            ("&Locations", self.locations),
            ("&Industry", self.industry),
            ("&Time zone", self.time_zone),
        ]

    def required_filled(self) -> bool:
        """Organisation, scope and owner are given (the ISMS build needs them)."""
        texts = (self.organisation.text(), self.scope.toPlainText(), self.owner.text())
        return all(text.strip() for text in texts)


class ProfileDialog(FormDialog):
    """The profile's fields and the workspace's consultant (who works on it for the client)."""

    def __init__(self, profile: WorkspaceProfile, parent: QWidget | None = None) -> None:
        super().__init__("Workspace Profile", parent)
        self.setObjectName("profileDialog")
        self.fields = ProfileFields(profile, self)
        for label, widget in self.fields.rows():
            self.form.addRow(label, widget)
        self.consultant = QLineEdit(profile.consultant, self)
        self.consultant.setObjectName("profileConsultant")
        self.consultant.setToolTip("Who works on this workspace for the client")
        self.form.addRow("Co&nsultant", self.consultant)
        self.fields.organisation.setFocus()
        self.resize(560, self.sizeHint().height())

    def values(self) -> dict[str, str | date | None]:
        return {**self.fields.values(), "consultant": self.consultant.text().strip()}

    def on_submit(self, submit: Submit, *expected: type[Exception]) -> None:
        # A time zone that is not one is refused by the service with a sentence to show.
        super().on_submit(submit, *(expected or (ValueError,)), ServiceError)

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlmodel import select

from workbench.models import Artifact
from workbench.services.register import profile
from workbench.services.register.templates import load_templates
from workbench.views.register.isms_wizard import CREATE, OWNER, IsmsBuildWizard


def test_wizard_end_to_end(qtbot, workspace) -> None:
    wizard = IsmsBuildWizard(workspace, "Mara")
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # the profile is empty
    wizard.fields.organisation.setText("Acme Logistics")
    wizard.fields.scope.setPlainText("Warehouse management platform and Hamburg depot")
    wizard.fields.owner.setText("Jonas Weber")
    assert next_button.isEnabled()
    wizard.next()

    page = wizard.artifacts_page
    core = [t for t in load_templates().values() if t.core]
    assert page.table.rowCount() == len(load_templates())
    assert len(page.chosen()) == len(core)
    # add the backup policy and give the risk register to Priya
    keys = [item.template_key for item in page._items]
    page.table.item(keys.index("backup-policy"), CREATE).setCheckState(Qt.CheckState.Checked)
    page.table.item(keys.index("risk-register"), OWNER).setText("Priya")
    wizard.next()
    assert "Acme Logistics" in wizard.summary_page.text.text()

    with qtbot.waitSignal(wizard.built) as blocker:
        wizard.accept()
    changes, created = blocker.args
    assert len(created) == len(core) + 1
    assert changes.artifacts == set(created)
    with workspace.read() as session:
        owners = {a.template: a.owner for a in session.exec(select(Artifact))}
    assert owners["risk-register"] == "Priya"
    assert owners["isms-scope"] == "Jonas Weber"
    assert "backup-policy" in owners
    assert profile.get_profile(workspace).isms_scope.startswith("Warehouse")


def test_second_wizard_offers_only_what_is_missing(qtbot, workspace) -> None:
    profile.update_profile(
        workspace, actor="M", organisation_name="Acme", isms_scope="All", isms_owner="Jonas"
    )
    first = IsmsBuildWizard(workspace, "Mara")
    qtbot.addWidget(first)
    first.show()
    first.next()
    with qtbot.waitSignal(first.built):
        first.next()
        first.accept()
    second = IsmsBuildWizard(workspace, "Mara")
    qtbot.addWidget(second)
    second.show()
    second.next()
    offered = {item.template_key for item in second.artifacts_page._items}
    assert offered == {t.key for t in load_templates().values() if not t.core}
    assert "already exist" in second.artifacts_page.present_label.text()


def _wizard_on_page_one(qtbot, workspace) -> IsmsBuildWizard:
    wizard = IsmsBuildWizard(workspace, "Mara")
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.fields.organisation.setText("Acme Logistics")
    wizard.fields.scope.setPlainText("Warehouse platform")
    wizard.fields.owner.setText("Jonas Weber")
    return wizard


def test_the_certification_target_takes_what_is_typed(qtbot, workspace, monkeypatch) -> None:
    from datetime import date

    wizard = _wizard_on_page_one(qtbot, workspace)
    target = wizard.fields.target
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    target.set_value(date(2026, 12, 1))
    target.edit.setFocus()
    qtbot.keyClick(target.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target.edit, "2027-06-15")
    assert target.value() == date(2027, 6, 15)
    assert target.message.text() == "a Tuesday"

    qtbot.keyClick(target.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target.edit, "2027-13-01")
    assert not target.is_valid() and not next_button.isEnabled()  # never read as another date
    assert target.message.text() == "'2027-13-01' is not a date: type it as YYYY-MM-DD."
    target.clear_button.click()
    assert target.value() is None and next_button.isEnabled()
    assert target.message.text() == "not set yet"

    popped: list[object] = []
    # The offscreen platform cannot grab the keyboard for a real popup.
    monkeypatch.setattr(target.menu, "popup", popped.append)
    target.open_calendar()
    assert len(popped) == 1
    today = target.calendar.selectedDate()
    assert (today.year(), today.month(), today.day()) == date.today().timetuple()[:3]
    target.calendar.activated.emit(today.addDays(3))
    assert target.value() == date.fromordinal(date.today().toordinal() + 3)


def test_the_target_row_is_one_line_high(qtbot, workspace) -> None:
    wizard = _wizard_on_page_one(qtbot, workspace)
    target, locations = wizard.fields.target, wizard.fields.locations
    assert target.height() <= 2 * locations.height()
    # The row sits right above Locations, with no band of empty space between.
    gap = (
        locations.mapTo(wizard, locations.rect().topLeft()).y()
        - target.mapTo(wizard, target.rect().bottomLeft()).y()
    )
    assert 0 <= gap <= 20


def test_page_two_headers_are_readable_and_the_summary_has_the_date(qtbot, workspace) -> None:
    from datetime import date

    from workbench.views.register.isms_wizard import INTERVAL

    wizard = _wizard_on_page_one(qtbot, workspace)
    wizard.fields.target.set_value(date(2027, 6, 15))
    wizard.next()
    table = wizard.artifacts_page.table
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(table.columnCount()):
        label = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= metrics.horizontalAdvance(label), label
    assert table.horizontalHeaderItem(INTERVAL).text() == "Review (months)"
    wizard.next()
    summary = wizard.summary_page.text.text()
    assert "Certification target: 2027-06-15." in summary
    assert "ISMS owner: Jonas Weber." in summary
    with qtbot.waitSignal(wizard.built):
        wizard.accept()
    assert profile.get_profile(workspace).certification_target == date(2027, 6, 15)

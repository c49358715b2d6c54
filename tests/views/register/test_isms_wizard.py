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

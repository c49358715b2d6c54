from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from sqlmodel import select

from tests.helpers.approvals import JONAS_PASS, PRIYA_PASS, with_people, with_policy
from workbench.models import Approval, ArtifactStatus
from workbench.services.approvals import people, reviews
from workbench.services.register import artifacts, versioning
from workbench.views.documents.approve_dialog import ApproveDialog
from workbench.views.documents.person_dialog import PersonDialog
from workbench.views.documents.review_dialog import ReviewDialog


@pytest.fixture
def policy(workspace) -> int:
    with_people(workspace)
    people.add_person(workspace, actor="Mara", name="Lena Ott", role="Internal auditor")
    return with_policy(workspace)


def shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_person_dialog_asks_the_passphrase_twice(qtbot, workspace) -> None:
    dialog = shown(qtbot, PersonDialog(workspace, actor="Mara"))
    dialog.name_edit.setText("Tomás Ruiz")
    dialog.role_edit.setText("IT lead")
    dialog.passphrase_edit.setText("long enough")
    dialog.repeat_edit.setText("long enougg")
    dialog.accept()
    assert dialog.isVisible()
    assert (
        dialog.error_label.text() == "The two passphrases differ; type the same passphrase twice."
    )
    assert dialog.repeat_edit.text() == ""
    dialog.passphrase_edit.setText("short")
    dialog.repeat_edit.setText("short")
    dialog.accept()
    assert dialog.error_label.text() == "A passphrase needs at least 8 characters."
    assert people.list_people(workspace) == []

    dialog.passphrase_edit.setText("long enough")
    dialog.repeat_edit.setText("long enough")
    with qtbot.waitSignal(dialog.changes_made) as blocker:
        dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.person is not None and dialog.person.can_sign_here
    assert blocker.args[0].people == {dialog.person.id}


def test_person_dialog_without_key_and_for_an_existing_person(qtbot, workspace) -> None:
    dialog = shown(qtbot, PersonDialog(workspace, actor="Mara"))
    dialog.name_edit.setText("Lena Ott")
    dialog.key_check.setChecked(False)
    assert not dialog.passphrase_edit.isEnabled()
    dialog.accept()
    lena = people.get_person(workspace, "Lena Ott")
    assert not lena.can_be_verified

    identity = shown(qtbot, PersonDialog(workspace, actor="Mara", existing=lena))
    assert identity.windowTitle() == "Create Signing Identity"
    assert identity.name_edit.isReadOnly() and identity.key_check.isHidden()
    identity.passphrase_edit.setText("lena's passphrase")
    identity.repeat_edit.setText("lena's passphrase")
    identity.accept()
    assert people.get_person(workspace, "Lena Ott").can_sign_here


def test_review_dialog_requests_from_the_ticked_approvers(qtbot, workspace, policy: int) -> None:
    dialog = shown(qtbot, ReviewDialog(workspace, artifact_id=policy, actor="Mara"))
    assert dialog.artifact_label.text() == "Access Control Policy"
    assert dialog.version_label.text().startswith("1, saved ")
    items = [dialog.approver_list.item(r) for r in range(dialog.approver_list.count())]
    assert [item.text() for item in items] == [
        "Jonas Weber — CISO",
        "Lena Ott — Internal auditor (no signing identity)",
        "Priya Shah — CEO",
    ]
    assert not items[1].flags() & Qt.ItemFlag.ItemIsEnabled
    dialog.accept()
    assert dialog.isVisible() and dialog.error_label.text() == "Name at least one approver."

    dialog.set_checked(["Jonas Weber", "Priya Shah", "Lena Ott"])
    assert dialog.checked_names() == ["Jonas Weber", "Priya Shah"]
    with qtbot.waitSignal(dialog.changes_made):
        dialog.accept()
    assert dialog.review is not None and dialog.review.pending == ("Jonas Weber", "Priya Shah")
    assert artifacts.get_details(workspace, policy).status is ArtifactStatus.IN_REVIEW


def test_approve_dialog_wrong_passphrase_stays_open(qtbot, workspace, policy: int) -> None:
    reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
    )
    dialog = shown(qtbot, ApproveDialog(workspace, artifact_id=policy, signer="priya shah"))
    info = versioning.get_version(workspace, policy).info
    assert dialog.artifact_label.text() == "Access Control Policy"
    assert dialog.version_label.text().startswith("1, saved ")
    assert dialog.hash_label.text().replace(" ", "") == info.content_sha256.upper()
    assert dialog.waiting_label.text() == "Jonas Weber, Priya Shah"
    assert "need-to-know" in dialog.preview.toPlainText()
    assert dialog.signer_combo.currentData() == "Priya Shah"

    dialog.passphrase_edit.setText(JONAS_PASS)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "The passphrase for Priya Shah's signing key is wrong; nothing was recorded."
    )
    assert dialog.passphrase_edit.text() == ""
    with workspace.read() as session:
        assert list(session.exec(select(Approval))) == []

    dialog.reject_radio.setChecked(True)
    dialog.passphrase_edit.setText(PRIYA_PASS)
    dialog.accept()
    assert dialog.error_label.text() == "A rejection needs a reason in the comment."
    dialog.comment_edit.setPlainText("Admins need monthly reviews")
    dialog.passphrase_edit.setText(PRIYA_PASS)
    with qtbot.waitSignal(dialog.changes_made) as blocker:
        dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.outcome is not None and dialog.outcome.status is ArtifactStatus.DRAFT
    assert blocker.args[0].approvals == {dialog.outcome.approval_id}


def test_approve_dialog_signs_and_marks_foreign_keys(qtbot, workspace, policy: int) -> None:
    from workbench.services.approvals import keystore

    reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber", "Priya Shah"]
    )
    priya = people.get_person(workspace, "Priya Shah")
    keystore.remove_private_key(priya.key_fingerprint or "")  # Priya signs on her own laptop
    dialog = shown(qtbot, ApproveDialog(workspace, artifact_id=policy))
    labels = [dialog.signer_combo.itemText(i) for i in range(dialog.signer_combo.count())]
    assert labels == ["Jonas Weber", "Priya Shah (key not on this computer)"]
    dialog.passphrase_edit.setText(JONAS_PASS)
    dialog.accept()
    assert dialog.outcome is not None and dialog.outcome.waiting_for == ("Priya Shah",)


def test_approve_dialog_when_nothing_awaits(qtbot, workspace, policy: int) -> None:
    dialog = shown(qtbot, ApproveDialog(workspace, artifact_id=policy))
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.text() == "“Access Control Policy” is not waiting for an approval."


def test_person_dialog_types_into_name_and_confirms(qtbot, workspace) -> None:
    from PySide6.QtWidgets import QApplication

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PersonDialog(workspace, actor="Mara", parent=parent)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.name_edit
    # Typing lands in Name, not in a button or the checkbox (QTest types ASCII only).
    qtbot.keyClicks(dialog.focusWidget(), "Tomas Ruiz")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.role_edit
    qtbot.keyClicks(dialog.focusWidget(), "IT lead")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    assert (dialog.name_edit.text(), dialog.role_edit.text()) == ("Tomas Ruiz", "IT lead ")
    assert dialog.key_check.isChecked()
    # A click on the box ticks it, but does not keep the focus, so Space cannot untick it.
    qtbot.mouseClick(dialog.key_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.key_check, Qt.MouseButton.LeftButton)
    assert dialog.key_check.isChecked() and not dialog.key_check.hasFocus()
    assert dialog.key_check.focusPolicy() == Qt.FocusPolicy.TabFocus
    for _ in range(2):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.key_check  # still reachable from the keyboard
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.passphrase_edit

    dialog.passphrase_edit.setText("long enough")
    dialog.repeat_edit.setText("long enough")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    box = dialog.confirmation
    assert box is not None and box.isVisible() and box.parentWidget() is parent
    tomas = people.get_person(workspace, "Tomas Ruiz")
    assert box.text().startswith("Added Tomas Ruiz (IT lead).")
    assert tomas.fingerprint_text in box.text()
    assert QApplication.activeModalWidget() in (box, None)


def test_review_dialog_ticks_a_sole_approver(qtbot, workspace) -> None:
    people.add_person(workspace, actor="Mara", name="Jonas Weber", role="CISO",
                      passphrase=JONAS_PASS)  # fmt: skip
    people.add_person(workspace, actor="Mara", name="Lena Ott", role="Internal auditor")
    policy = with_policy(workspace)
    dialog = shown(qtbot, ReviewDialog(workspace, artifact_id=policy, actor="Mara"))
    assert dialog.checked_names() == ["Jonas Weber"]
    with qtbot.waitSignal(dialog.changes_made):
        dialog.accept()


def test_review_dialog_clears_its_error_once_an_approver_is_ticked(
    qtbot, workspace, policy: int
) -> None:
    from workbench.views.documents.review_dialog import HINT

    dialog = shown(qtbot, ReviewDialog(workspace, artifact_id=policy, actor="Mara"))
    assert dialog.checked_names() == []  # two could sign: nobody is chosen for the user
    assert HINT == (
        "Every approver ticked here must approve this exact version. Saving a new version "
        "before all of them have approved it cancels the request."
    )
    assert dialog.findChild(QLabel, "reviewHint").text() == HINT
    dialog.accept()
    assert dialog.error_label.isVisible()
    dialog.approver_list.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.error_label.isHidden() and dialog.error_label.text() == ""


def test_review_dialog_leaves_out_retired_people(qtbot, workspace, policy: int) -> None:
    people.retire_person(workspace, actor="Mara", name="Priya Shah")
    dialog = shown(qtbot, ReviewDialog(workspace, artifact_id=policy, actor="Mara"))
    names = [dialog.approver_list.item(r).text() for r in range(dialog.approver_list.count())]
    assert not any(name.startswith("Priya") for name in names)
    assert dialog.checked_names() == ["Jonas Weber"]


def test_approve_dialog_shows_the_text_large_and_the_requesters_note(
    qtbot, workspace, policy: int
) -> None:
    reviews.request_review(
        workspace, actor="Mara", artifact_id=policy, approvers=["Jonas Weber"],
        note="Section 2 changed: please check the quarterly reviews",
    )  # fmt: skip
    dialog = shown(qtbot, ApproveDialog(workspace, artifact_id=policy))
    assert dialog.request_label.text().startswith("by Mara, ")
    assert dialog.request_label.text().endswith(
        ": “Section 2 changed: please check the quarterly reviews”"
    )
    screen = dialog.screen().availableGeometry()
    assert dialog.width() >= min(900, screen.width() - 40)
    assert dialog.preview.height() >= dialog.height() // 3
    assert dialog.isSizeGripEnabled() and dialog.maximumHeight() > screen.height()
    before = dialog.preview.height()
    dialog.resize(dialog.width(), dialog.height() + 100)
    qtbot.waitUntil(lambda: dialog.preview.height() > before)

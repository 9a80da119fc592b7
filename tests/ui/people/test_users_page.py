"""Users page: the owner creates, deactivates and resets logins; the dialogs show the password rule and refuse
inline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.people import auth
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.users_page import NewUserDialog, UsersPage
from tests.actors import logged_in_as
from tests.ui.dialogs import opens
from tests.unit.services.helpers import Clinic, make_clinic


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)  # Jane Doyle (jdoyle), a nurse, may get a login of her own


def test_users_page_creates_deactivates_and_resets(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic,
                                                   owner: Actor, qtmodeltester: ModelTester,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    auth.create_user(db, owner, "owner", "Owner", "owner", "studio-keys-pass-1")
    page = UsersPage(db, user)
    qtbot.addWidget(page)
    page.show()
    qtmodeltester.check(page.model)
    with opens(qtbot, NewUserDialog, page) as opened:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    qtbot.keyClicks(dialog.username_edit, "jdoyle")
    qtbot.keyClicks(dialog.full_name_edit, "Jane Doyle")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Practitioner"))
    dialog.practitioner_combo.setCurrentIndex(dialog.practitioner_combo.findData("jdoyle"))
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.confirm_edit, "short")
    dialog._create()
    assert "too short (5 characters); use at least 12 characters" in dialog.error_label.text()
    for edit in (dialog.password_edit, dialog.confirm_edit):
        edit.setText("jane-password-1")
    dialog._create()
    assert page.message_label.text() == "Created jdoyle."
    assert logged_in_as(auth.login(db, "jdoyle", "jane-password-1"),
                        Actor("jdoyle", UserRole.PRACTITIONER, clinic.nurse_id))

    page.select_username("jdoyle")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    assert page.message_label.text() == "jdoyle is deactivated."
    assert [page.model.index(r, 4).data() for r in range(page.model.rowCount())
            if page.model.index(r, 0).data() == "jdoyle"] == ["Deactivated"]
    assert not page.deactivate_button.isEnabled()

    page.select_username("owner")
    reset = page.reset_selected()
    assert reset is not None
    reset.password_edit.setText("studio-keys-pass-2")
    reset.confirm_edit.setText("studio-keys-pass-2")
    reset._reset()
    assert page.message_label.text() == "New password set for owner."
    assert auth.login(db, "owner", "studio-keys-pass-2").username == "owner"


def test_the_user_dialogs_show_the_password_rule_and_refuse_a_common_password_inline(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, owner: Actor) -> None:
    def rule(dialog: QWidget) -> str:
        [label] = [w for w in dialog.findChildren(QLabel) if w.accessibleName() == "Password rule"]
        return label.text()

    desk = auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    page = UsersPage(db, user)
    qtbot.addWidget(page)
    page.show()
    dialog = page.new_user()
    assert "at least 12 characters, not a common password" in rule(dialog)
    qtbot.keyClicks(dialog.username_edit, "Desk")
    qtbot.keyClicks(dialog.full_name_edit, "Another desk")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Reception"))
    for edit in (dialog.password_edit, dialog.confirm_edit):
        qtbot.keyClicks(edit, "reception-pass-2")
    dialog._create()
    assert "not used by another user ('desk' is)" in dialog.error_label.text()
    dialog.username_edit.setText("frontdesk")
    for edit in (dialog.password_edit, dialog.confirm_edit):
        edit.setText("qwerty123456")
    dialog._create()
    assert "one of the most common passwords" in dialog.error_label.text() and dialog.isVisible()
    dialog.reject()

    page.select_username(desk.username)
    reset = page.reset_selected()
    assert reset is not None
    assert "at least 12 characters, not a common password" in rule(reset)
    for edit in (reset.password_edit, reset.confirm_edit):
        edit.setText("iloveyou1234")
    reset._reset()
    assert "one of the most common passwords" in reset.error_label.text() and reset.isVisible()
    assert auth.login(db, "desk", "reception-pass-1").username == "desk"


def test_a_locked_out_login_says_until_when_and_nothing_is_done_without_a_chosen_user(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front desk", "reception", "reception-pass-1")
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.LoginFailed):
            auth.login(db, "desk", "guess")
    page = UsersPage(db, user)
    qtbot.addWidget(page)
    page.show()
    [status] = [page.model.index(r, 4).data() for r in range(page.model.rowCount())
                if page.model.index(r, 0).data() == "desk"]
    assert status.startswith("Locked until ")
    assert not page.deactivate_button.isEnabled() and not page.reset_button.isEnabled()
    assert page.reset_selected() is None
    page.select_username("desk")
    assert page.deactivate_button.isEnabled() and page.reset_button.isEnabled()  # a reset lifts the lockout

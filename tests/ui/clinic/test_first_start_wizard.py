"""The first-start wizard: the clinic's details (name required, logo checked) and the owner's own login, created
only when Finish is pressed with matching passwords that pass the rule; a refusal names the field and stores
nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import User
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clinic.clinic_settings import read_settings
from clinic_log.services.people import auth
from clinic_log.ui.clinic.first_start_wizard import FirstStartWizard
from tests.actors import logged_in_as


def make_wizard(qtbot: QtBot, db: Database) -> FirstStartWizard:
    wizard = FirstStartWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def fill_owner(qtbot: QtBot, wizard: FirstStartWizard, password: str = "founder-pass-01") -> None:
    page = wizard.owner_page
    type_into(qtbot, page.username_edit, "ada")
    type_into(qtbot, page.full_name_edit, "Ada Owner")
    for edit in (page.password_edit, page.confirm_edit):
        type_into(qtbot, edit, password)


def type_into(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def test_the_first_start_wizard_creates_the_clinic_and_the_owner(qtbot: QtBot, db: Database,
                                                                 tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    wizard = FirstStartWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.clinic_page
    type_into(qtbot, page.name_edit, "Skin Studio")
    qtbot.keyClicks(page.address_edit, "1 High Street")
    type_into(qtbot, page.phone_edit, "+44 20 0000 0000")
    type_into(qtbot, page.logo_edit, str(logo))
    wizard.next()
    assert wizard.currentPage() is wizard.owner_page
    owner_page = wizard.owner_page
    type_into(qtbot, owner_page.username_edit, "ada")
    type_into(qtbot, owner_page.full_name_edit, "Ada Owner")
    type_into(qtbot, owner_page.password_edit, "founder-pass-01")
    type_into(qtbot, owner_page.confirm_edit, "founder-pass-02")
    wizard.accept()
    assert "two passwords differ" in owner_page.error_label.text() and not auth.has_users(db)
    type_into(qtbot, owner_page.confirm_edit, "founder-pass-01")
    wizard.accept()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert logged_in_as(wizard.actor, Actor("ada", UserRole.OWNER))
    settings = read_settings(db)
    assert (settings["clinic.name"], settings["clinic.address"], settings["clinic.phone"]) == (
        "Skin Studio", "1 High Street", "+44 20 0000 0000")
    assert Path(settings["clinic.logo_path"]).read_bytes() == logo.read_bytes()
    with db.reading() as session:
        assert session.scalar(select(User.role).where(User.username == "ada")) == "owner"


def type_characters(widget: QLineEdit, text: str) -> None:
    """Type text holding non-ASCII characters one by one (qtbot.keyClicks aborts on them)."""
    from PySide6.QtTest import QTest

    widget.clear()
    widget.setFocus()
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def test_the_first_start_wizard_shows_the_password_rule_and_refuses_inline(qtbot: QtBot, db: Database) -> None:
    wizard = FirstStartWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    type_into(qtbot, wizard.clinic_page.name_edit, "Skin Studio")
    wizard.next()
    page = wizard.owner_page
    assert "at least 12 characters, not a common password" in page.subTitle()
    type_characters(page.username_edit, "ad\u200bmin")
    assert page.username_edit.text() == "ad\u200bmin"
    type_into(qtbot, page.full_name_edit, "Ada Owner")
    for edit in (page.password_edit, page.confirm_edit):
        type_into(qtbot, edit, "founder-pass-01")
    wizard.accept()
    assert "U+200B ZERO WIDTH SPACE" in page.error_label.text() and not auth.has_users(db)
    type_into(qtbot, page.username_edit, " Ada ")
    for edit in (page.password_edit, page.confirm_edit):
        type_into(qtbot, edit, "Password1234")
    wizard.accept()
    assert "one of the most common passwords" in page.error_label.text() and not auth.has_users(db)
    for edit in (page.password_edit, page.confirm_edit):
        type_into(qtbot, edit, "founder-pass-01")
    wizard.accept()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert logged_in_as(wizard.actor, Actor("ada", UserRole.OWNER))


def test_next_waits_for_the_clinic_name(qtbot: QtBot, db: Database) -> None:
    wizard = make_wizard(qtbot, db)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    type_into(qtbot, wizard.clinic_page.name_edit, "Skin Studio")
    assert next_button.isEnabled()


def test_a_logo_that_is_no_image_file_keeps_the_clinic_page_saying_why(qtbot: QtBot, db: Database,
                                                                      tmp_path: Path) -> None:
    notes = tmp_path / "logo.txt"
    notes.write_text("not a picture")
    wizard = make_wizard(qtbot, db)
    type_into(qtbot, wizard.clinic_page.name_edit, "Skin Studio")
    type_into(qtbot, wizard.clinic_page.logo_edit, str(notes))
    wizard.next()
    assert wizard.currentPage() is wizard.clinic_page
    assert wizard.clinic_page.error_label.text() == (
        f"logo: '{notes}' is not allowed; an existing PNG or JPEG image file")
    wizard.clinic_page.logo_edit.clear()
    wizard.next()
    assert wizard.currentPage() is wizard.owner_page
    assert wizard.clinic_page.error_label.text() == ""


def test_a_logo_gone_before_finish_is_refused_without_creating_the_owner(qtbot: QtBot, db: Database,
                                                                        tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    wizard = make_wizard(qtbot, db)
    type_into(qtbot, wizard.clinic_page.name_edit, "Skin Studio")
    type_into(qtbot, wizard.clinic_page.logo_edit, str(logo))
    wizard.next()
    fill_owner(qtbot, wizard)
    logo.unlink()  # moved or deleted while the owner typed their password

    wizard.accept()
    assert wizard.result() != QDialog.DialogCode.Accepted
    assert wizard.owner_page.error_label.text().startswith("logo: ")
    assert not auth.has_users(db)  # else Finish could never succeed: "users already exist, log in instead"

    wizard.back()  # going back clears the owner page's registered fields (Qt's cleanupPage)
    wizard.clinic_page.logo_edit.clear()
    wizard.next()
    fill_owner(qtbot, wizard)
    wizard.accept()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert logged_in_as(wizard.actor, Actor("ada", UserRole.OWNER))
    assert read_settings(db)["clinic.name"] == "Skin Studio"


def test_a_database_that_has_users_already_is_refused_and_nothing_is_stored(qtbot: QtBot, db: Database) -> None:
    auth.create_first_owner(db, "first", "First Owner", "founder-pass-99")
    wizard = make_wizard(qtbot, db)
    type_into(qtbot, wizard.clinic_page.name_edit, "Skin Studio")
    wizard.next()
    fill_owner(qtbot, wizard)
    wizard.accept()
    assert wizard.result() != QDialog.DialogCode.Accepted and wizard.actor is None
    assert "users already exist, log in instead" in wizard.owner_page.error_label.text()
    assert read_settings(db)["clinic.name"] != "Skin Studio"
    with db.reading() as session:
        assert list(session.scalars(select(User.username))) == ["first"]


def test_every_input_is_named_after_its_label(qtbot: QtBot, db: Database) -> None:
    wizard = make_wizard(qtbot, db)
    names = {e.accessibleName() for page in (wizard.clinic_page, wizard.owner_page)
             for e in page.findChildren(QLineEdit)}
    assert names == {"Clinic name", "Phone", "Logo", "Username", "Full name", "Password", "Repeat password"}
    assert wizard.clinic_page.address_edit.accessibleName() == "Address"
    assert wizard.owner_page.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert wizard.clinic_page.browse_button.accessibleName() == "Browse…"
    assert Qt.WindowType.Dialog & wizard.windowFlags()


def test_explore_with_demo_data_ends_the_wizard_without_creating_anything(qtbot: QtBot, db: Database) -> None:
    """Issue 20: someone trying Clinic Log met an empty wizard and no way to look around first."""
    wizard = make_wizard(qtbot, db)
    explore = wizard.button(QWizard.WizardButton.CustomButton1)
    assert explore.isVisible() and explore.accessibleName() == "Explore with demo data"
    qtbot.mouseClick(explore, Qt.MouseButton.LeftButton)
    assert wizard.result() == FirstStartWizard.EXPLORE and not wizard.isVisible()
    assert wizard.actor is None
    with db.reading() as session:
        assert session.scalars(select(User)).all() == []  # nothing of the clinic's own is made


def test_explore_is_offered_on_the_first_page_only(qtbot: QtBot, db: Database) -> None:
    wizard = make_wizard(qtbot, db)
    type_into(qtbot, wizard.clinic_page.name_edit, "Studio Skin")
    wizard.next()
    assert wizard.currentPage() is wizard.owner_page
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isVisible()

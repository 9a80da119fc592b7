"""Practitioners page: the owner edits, others only look; reminders, credentials and every change stored."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.people import people
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.practitioners_page import CredentialDialog, PractitionersPage
from tests.ui.dialogs import opens
from tests.unit.services.helpers import LICENCE_EXPIRES, Clinic, make_clinic


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)  # both licences expire on LICENCE_EXPIRES


def open_page(qtbot: QtBot, user: UserSession, db: Database, today: date = date(2026, 11, 25)) -> PractitionersPage:
    page = PractitionersPage(db, user, today=today)
    qtbot.addWidget(page)
    page.show()
    return page


def test_practitioner_models_pass_the_model_tester(qtmodeltester: ModelTester, qtbot: QtBot, user: UserSession,
                                                   db: Database, clinic: Clinic) -> None:
    page = open_page(qtbot, user, db)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.credentials_model)


def test_the_owner_edits_a_practitioner_and_it_is_stored(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic,
                                                         raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    assert page.full_name_edit.text() == "Jane Doyle" and page.supervision_check.isChecked()
    page.cap_edit.setText("1.0")
    page.role_combo.setCurrentIndex(page.role_combo.findText("Esthetician"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message_label.text() == "Saved Jane Doyle."
    assert raw.execute("SELECT role, depth_cap_mm FROM practitioners WHERE id = ?",
                       (clinic.nurse_id,)).fetchone() == ("esthetician", 1.0)
    page.full_name_edit.clear()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message_label.text().startswith("full name: (empty) is not allowed")


def test_reminders_list_credentials_due_within_90_days(qtbot: QtBot, user: UserSession, db: Database,
                                                       clinic: Clinic) -> None:
    assert open_page(qtbot, user, db).reminders_label.text() == "No credential expires within 90 days."
    page = open_page(qtbot, user, db, today=LICENCE_EXPIRES - timedelta(days=22))
    text = page.reminders_label.text()
    assert f"Jane Doyle: licence NMC-1 — expires {LICENCE_EXPIRES.isoformat()} (within 30 days: 22 left)" in text
    assert "Dr Maria Brandt: licence GMC-1" in text


def test_adding_a_credential_through_the_dialog(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic,
                                                raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    with opens(qtbot, CredentialDialog, page) as opened:
        qtbot.mouseClick(page.add_credential_button, Qt.MouseButton.LeftButton)
    dialog = opened.widget
    dialog.kind_combo.setCurrentText("microneedling certificate")
    qtbot.keyClicks(dialog.number_edit, "MN-2026-7")
    dialog.expires_edit.setDate(QDate(2027, 2, 1))
    dialog._save()
    assert raw.execute("SELECT kind, expires_on FROM credentials WHERE number = 'MN-2026-7'").fetchone() == (
        "microneedling certificate", "2027-02-01")
    assert "2027-02-01 — in 68 days" in [page.credentials_model.index(r, 3).data()
                                        for r in range(page.credentials_model.rowCount())]


def test_reception_sees_practitioners_but_cannot_edit(qtbot: QtBot, user: UserSession, db: Database,
                                                      clinic: Clinic) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    page = open_page(qtbot, user, db)
    assert page.model.rowCount() == 2
    assert not page.full_name_edit.isEnabled() and not page.save_button.isVisible()
    assert not page.add_credential_button.isVisible() and not page.reminders_label.isVisible()




def test_details_being_edited_stay_with_their_practitioner(qtbot: QtBot, user: UserSession, db: Database,
                                                           clinic: Clinic, raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    page.full_name_edit.setText("Jane Doyle-Smith")
    page.cap_edit.setText("1.25")
    page.select_practitioner(clinic.derm_id)  # another one: her own details, nothing of Jane's
    assert (page.full_name_edit.text(), page.cap_edit.value()) == ("Dr Maria Brandt", 3.0)
    page.select_practitioner(clinic.nurse_id)
    assert (page.full_name_edit.text(), page.cap_edit.value()) == ("Jane Doyle-Smith", 1.25)
    assert "Restored what you typed at " in page.message_label.text()
    assert raw.execute("SELECT full_name FROM practitioners WHERE id = ?", (clinic.nurse_id,)).fetchone() == (
        "Jane Doyle",)  # kept as a draft, not saved behind the owner's back
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert raw.execute("SELECT full_name, depth_cap_mm FROM practitioners WHERE id = ?",
                       (clinic.nurse_id,)).fetchone() == ("Jane Doyle-Smith", 1.25)


def test_a_save_over_another_owners_change_is_stopped_and_shows_theirs(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic, raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    people.update_practitioner(db, owner, clinic.nurse_id, "Jane Doyle-Smith", "nurse", True, 1.0)  # elsewhere
    page.full_name_edit.setText("Jane Smith")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.message_label.text().startswith("full name: changed meanwhile by someone else to 'Jane Doyle-Smith'")
    assert page.full_name_edit.text() == "Jane Smith" and page.cap_edit.value() == 1.0  # theirs shown, not undone
    assert "Jane Doyle-Smith" in [r.full_name for r in page.model.records()]  # the list shows what is stored
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)  # seen: keep mine
    assert raw.execute("SELECT full_name, depth_cap_mm FROM practitioners WHERE id = ?",
                       (clinic.nurse_id,)).fetchone() == ("Jane Smith", 1.0)


def test_a_credential_renewed_meanwhile_elsewhere_is_not_silently_undone(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic, raw: sqlite3.Connection) -> None:
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    [licence] = next(r for r in page.model.records() if r.id == clinic.nurse_id).credentials
    dialog = page.edit_credential(licence)
    assert dialog is not None
    qtbot.addWidget(dialog)
    renewed = licence.expires_on.replace(year=licence.expires_on.year + 3)  # type: ignore[union-attr]
    people.update_credential(db, owner, licence.id, people.CredentialInput(  # another owner renews it meanwhile
        "licence", "NMC-1", renewed, "Nursing council", None, True))
    dialog.number_edit.setText("NMC-1A")  # this owner corrects the number only
    dialog._save()
    assert raw.execute("SELECT number, expires_on, issuing_body FROM credentials WHERE id = ?",
                       (licence.id,)).fetchone() == ("NMC-1A", renewed.isoformat(), "Nursing council")

    dialog = page.edit_credential(next(r for r in page.model.records() if r.id == clinic.nurse_id).credentials[0])
    assert dialog is not None
    qtbot.addWidget(dialog)
    people.update_credential(db, owner, licence.id, people.CredentialInput(
        "licence", "NMC-1B", renewed, "Nursing council", None, True))
    dialog.number_edit.setText("NMC-1C")
    dialog._save()
    assert dialog.error_label.text().startswith("Not saved. number: changed meanwhile by someone else to 'NMC-1B'")
    assert dialog.body_edit.text() == "Nursing council"
    dialog._save()  # seen: keep this number
    assert raw.execute("SELECT number FROM credentials WHERE id = ?", (licence.id,)).fetchone() == ("NMC-1C",)




@pytest.mark.parametrize(("typed", "said"), [("9", "at most 7.0 mm"), ("0", "above 0"), ("1,2,5", "1,2,5")])
def test_a_depth_cap_is_kept_as_typed_and_refused_with_its_reason(qtbot: QtBot, user: UserSession, db: Database,
                                                                  clinic: Clinic, raw: sqlite3.Connection, typed: str,
                                                                  said: str) -> None:
    """No spin box clamps a cap of 9 mm to 7.0: what was typed stays, the reason shows, nothing is stored."""
    page = open_page(qtbot, user, db)
    page.select_practitioner(clinic.nurse_id)
    page.cap_edit.setText(typed)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.cap_edit.text() == typed and said in page.message_label.text()
    assert raw.execute("SELECT depth_cap_mm FROM practitioners WHERE id = ?", (clinic.nurse_id,)).fetchone() == (
        1.5,)

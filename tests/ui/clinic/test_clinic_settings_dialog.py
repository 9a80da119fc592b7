"""Settings → Clinic settings…: the owner sets the FHIR identifier system; a bad one is refused in the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.services.clinic.clinic_settings import read_settings
from clinic_log.ui.clinic.clinic_settings_dialog import ClinicSettingsDialog
from clinic_log.ui.common.user_session import UserSession


def identifier_edit(dialog: ClinicSettingsDialog) -> QLineEdit:
    found = [e for e in dialog.findChildren(QLineEdit) if e.accessibleName() == "FHIR identifier system"]
    assert len(found) == 1
    return found[0]


def test_the_owner_sets_the_fhir_identifier_system_and_it_is_stored_normalised(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    dialog = ClinicSettingsDialog(db, user)
    qtbot.addWidget(dialog)
    edit = identifier_edit(dialog)
    assert edit.text() == "" and "https://" in edit.placeholderText()
    qtbot.keyClicks(edit, "https://myclinic.example/fhir/")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert read_settings(db)["fhir.identifier_system"] == "https://myclinic.example/fhir"
    again = ClinicSettingsDialog(db, user)
    qtbot.addWidget(again)
    assert identifier_edit(again).text() == "https://myclinic.example/fhir"


def test_a_bad_identifier_system_keeps_the_dialog_open_saying_why_and_saves_nothing(qtbot: QtBot, user: UserSession,
                                                                                   db: Database) -> None:
    dialog = ClinicSettingsDialog(db, user)
    qtbot.addWidget(dialog)
    dialog.clinic.name_edit.setText("Renamed Clinic")
    _edit(dialog, "Lock after idle").setText("5")
    qtbot.keyClicks(identifier_edit(dialog), "myclinic fhir")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "FHIR identifier system" in dialog.clinic.error_label.text()
    stored = read_settings(db)
    assert stored["fhir.identifier_system"] == "" and stored["clinic.name"] != "Renamed Clinic"
    assert stored["security.idle_lock_minutes"] == "10"


def _edit(dialog: ClinicSettingsDialog, name: str) -> QLineEdit:
    found = [e for e in dialog.findChildren(QLineEdit) if e.accessibleName() == name]
    assert len(found) == 1
    return found[0]


def test_the_owner_sets_the_out_of_hours_number_and_post_care_product(qtbot: QtBot, user: UserSession,
                                                                      db: Database) -> None:
    dialog = ClinicSettingsDialog(db, user)
    qtbot.addWidget(dialog)
    assert _edit(dialog, "Out-of-hours phone").text() == ""
    assert _edit(dialog, "Post-care product").text() == "the hyaluronic-acid serum the clinic gave you"
    qtbot.keyClicks(_edit(dialog, "Out-of-hours phone"), "+44 7700 900123")
    _edit(dialog, "Post-care product").setText("the Cicaplast balm in your aftercare bag")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = read_settings(db)
    assert stored["clinic.out_of_hours_phone"] == "+44 7700 900123"
    assert stored["clinic.post_care_product"] == "the Cicaplast balm in your aftercare bag"


def test_a_blank_post_care_product_keeps_the_dialog_open_saying_why(qtbot: QtBot, user: UserSession,
                                                                    db: Database) -> None:
    dialog = ClinicSettingsDialog(db, user)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(_edit(dialog, "Out-of-hours phone"), "0800 123 456")
    _edit(dialog, "Post-care product").setText("  ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "post-care product" in dialog.clinic.error_label.text()
    assert read_settings(db)["clinic.out_of_hours_phone"] == ""


def test_an_idle_lock_outside_its_range_stays_as_typed_with_the_reason_and_nothing_is_saved(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    dialog = ClinicSettingsDialog(db, user)
    qtbot.addWidget(dialog)
    dialog.clinic.name_edit.setText("Renamed Clinic")
    idle = _edit(dialog, "Lock after idle")
    assert idle.text() == "10"
    idle.clear()
    qtbot.keyClicks(idle, "500")  # a spin box of 1–240 turned this into 50 or 240 without a word
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert idle.text() == "500"
    assert "idle lock minutes" in dialog.clinic.error_label.text()
    assert "from 1 to 240" in dialog.clinic.error_label.text()
    stored = read_settings(db)
    assert stored["security.idle_lock_minutes"] == "10" and stored["clinic.name"] != "Renamed Clinic"
    idle.clear()
    qtbot.keyClicks(idle, "25")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.idle_minutes == 25
    assert read_settings(db)["security.idle_lock_minutes"] == "25"

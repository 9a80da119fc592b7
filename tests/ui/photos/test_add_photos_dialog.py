"""The add-photos dialog: each file's camera time shown before adding; the areas offered are the chosen session's
(else the reference areas); the photo is stored with the session, area, view, use and a time set by hand; photos
for other uses without a current consent to them are said to need it before anything is stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, PhotoUse, PhotoView
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clinic.consent_texts import save_consent_text
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.add_photos_dialog import NO_AREA, AddPhotosDialog
from tests.ui.named_widgets import button
from tests.ui.photos.photo_helpers import clinic_with_photo_consent, day, image_file
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def items(combo: object) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_the_chosen_sessions_areas_are_offered_and_the_photo_is_stored_with_them(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection) -> None:
    session = log_session(db, clinic.derm, session_entry(clinic, AreaInput("forehead", 0.5, 2),
                                                         AreaInput("nose", 0.5, 2), course_index=3), sign=True)
    photo = image_file(tmp_path / "close.jpg", (120, 90, 80), day(7))
    dialog = AddPhotosDialog(db, user, "P-1", "Zofia Łukasiewicz", [photo])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.choices is not None)
    qtbot.waitUntil(lambda: dialog.files_list.item(0).text() != "close.jpg: reading…")
    assert dialog.files_list.item(0).text().startswith("close.jpg: taken 2026-03-07 ")
    assert len(items(dialog.area_combo)) > 10  # no session: any reference area
    dialog.session_combo.setCurrentIndex(dialog.session_combo.findData(session.id))
    assert "session 3" in dialog.session_combo.currentText()
    assert items(dialog.area_combo)[0] == NO_AREA and len(items(dialog.area_combo)) == 3
    dialog.area_combo.setCurrentIndex(dialog.area_combo.findData("nose"))
    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData(PhotoView.CLOSEUP.value))
    dialog.use_combo.setCurrentIndex(dialog.use_combo.findData(PhotoUse.CLINICAL.value))
    dialog.set_time_box.setChecked(True)
    dialog.taken_edit.setDateTime(QDateTime.fromString("2026-03-08 09:30", "yyyy-MM-dd HH:mm"))
    button(dialog, "Add photos").click()
    qtbot.waitUntil(lambda: dialog.outcome is not None)
    assert dialog.summary_label.text() == "1 photo stored."
    row = raw.execute("SELECT session_id, area_code, view, use, taken_at_source FROM photos").fetchone()
    assert row == (session.id, "nose", "closeup", "clinical", "typed")
    assert button(dialog, "Close").isEnabled()


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, path: Path) -> AddPhotosDialog:
    dialog = AddPhotosDialog(db, user, "P-1", "Zofia Łukasiewicz", [path])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.choices is not None)
    return dialog


def test_other_use_without_that_consent_is_said_and_the_add_waits_until_the_use_is_changed(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection) -> None:
    dialog = open_dialog(qtbot, user, db, image_file(tmp_path / "a.jpg", (1, 2, 3), day(1)))
    assert not dialog.consent_label.isVisible()
    dialog.use_combo.setCurrentIndex(dialog.use_combo.findData(PhotoUse.OTHER.value))
    assert dialog.consent_label.isVisible()
    assert dialog.consent_label.text().startswith("Photos for other uses need Zofia Łukasiewicz's consent to photos "
                                                  "for other uses, which has not been signed.")
    offer = button(dialog, "Record other-use consent…")
    assert offer.isVisible() and offer.isEnabled()
    button(dialog, "Add photos").click()
    assert dialog.summary_label.text().startswith("Waiting for the consent to other uses")
    assert raw.execute("SELECT COUNT(*) FROM photos").fetchone() == (0,)
    dialog.use_combo.setCurrentIndex(dialog.use_combo.findData(PhotoUse.CLINICAL.value))
    assert not dialog.consent_label.isVisible() and dialog.summary_label.text() == ""
    button(dialog, "Add photos").click()
    qtbot.waitUntil(lambda: dialog.outcome is not None)
    assert raw.execute("SELECT use FROM photos").fetchall() == [("clinical",)]


def test_an_other_use_consent_on_replaced_wording_is_named_as_such(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    record_consent(db, owner, clinic.client_id, "Zofia", day(1).date(), purpose=ConsentPurpose.PHOTOS_OTHER)
    save_consent_text(db, owner, "Photos v2: also on the clinic's social media pages.",
                      purpose=ConsentPurpose.PHOTOS_OTHER)
    dialog = open_dialog(qtbot, user, db, image_file(tmp_path / "a.jpg", (1, 2, 3), day(1)))
    dialog.use_combo.setCurrentIndex(dialog.use_combo.findData(PhotoUse.OTHER.value))
    assert "which was signed on wording version 1, and the clinic's wording is now version 2" in \
        dialog.consent_label.text()

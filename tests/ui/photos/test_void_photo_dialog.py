"""The void-a-photo dialog on its own: it says what voiding does, a blank reason is refused in one line with Void
usable again and nothing changed, and a reason given is stored with who voided (the menu path and a void made
meanwhile elsewhere are in test_photos_box.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.photos.photos import list_photos
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.void_photo_dialog import VoidPhotoDialog
from tests.ui.named_widgets import button, edit, type_text
from tests.ui.photos.photo_helpers import add, clinic_with_photo_consent, day, image_file
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic,
                tmp_path: Path) -> VoidPhotoDialog:
    add(db, clinic.derm, [image_file(tmp_path / "a.jpg", (200, 30, 30), day(1))])
    [photo] = list_photos(db, owner, "P-1")
    dialog = VoidPhotoDialog(db, user, photo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_blank_reason_is_refused_in_one_line_and_nothing_is_voided(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic, tmp_path: Path,
        raw: sqlite3.Connection) -> None:
    dialog = open_dialog(qtbot, user, db, owner, clinic, tmp_path)
    assert "A voided photo is kept, greyed, and left out of comparisons and exports." in dialog.about.text()
    type_text(edit(dialog, "Reason"), "   ")
    button(dialog, "Void photo").click()
    qtbot.waitUntil(lambda: dialog.problem_label.text() != "")
    assert dialog.problem_label.text().startswith("reason: ") and "why the photo is voided" in (
        dialog.problem_label.text())
    assert "\n" not in dialog.problem_label.text() and dialog.isVisible()
    assert dialog.void_button.isEnabled()  # the reason can be given and Void pressed again
    assert raw.execute("SELECT voided_at FROM photos").fetchall() == [(None,)]


def test_the_reason_given_is_stored_with_who_voided_and_the_dialog_closes(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic, tmp_path: Path,
        raw: sqlite3.Connection) -> None:
    dialog = open_dialog(qtbot, user, db, owner, clinic, tmp_path)
    type_text(edit(dialog, "Reason"), "the wrong client")
    button(dialog, "Void photo").click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert raw.execute("SELECT void_reason, voided_by FROM photos").fetchall() == [("the wrong client", "owner")]

"""What is typed in the editing dialogs (consent wording, aftercare template, amendment) survives a crash: it is
autosaved as the user's form draft, comes back when the dialog opens again, and is gone once saved or
deliberately discarded."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clinic.consent_texts import latest_consent_text
from clinic_log.services.clinic.templates import latest_template
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.clinic.aftercare_template_dialog import AftercareTemplateDialog
from clinic_log.ui.clinic.consent_text_dialog import ConsentTextDialog
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.amend_dialog import AmendDialog
from tests.ui.conftest import DiscardQuestions
from tests.unit.services.helpers import make_clinic, session_entry


def wait_for_draft(qtbot: QtBot, user: UserSession, db: Database, key: str) -> None:
    """The autosave runs on a worker 600 ms after typing stops: wait until the draft is in the database."""
    qtbot.waitUntil(lambda: load_form_draft(db, user.actor, key) is not None, timeout=5000)


def crash(qtbot: QtBot, dialog: QDialog) -> None:
    """The app dies with the dialog open: no Save, no Cancel, nothing more is written; only the database remains
    for the next start. (The abandoned dialog is closed when the test ends.)"""
    qtbot.addWidget(dialog)
    dialog.hide()


def test_the_aftercare_template_being_edited_comes_back_after_a_crash_and_is_gone_once_saved(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    first = AftercareTemplateDialog(db, user)
    first.call_us_edit.setPlainText("Ring 0161 555 0100 if the redness spreads or you feel feverish.")
    first.title_edit.setText("After your microneedling")
    wait_for_draft(qtbot, user, db, "aftercare_template")
    crash(qtbot, first)

    again = AftercareTemplateDialog(db, user)
    qtbot.addWidget(again)
    assert again.call_us_edit.toPlainText() == "Ring 0161 555 0100 if the redness spreads or you feel feverish."
    assert again.title_edit.text() == "After your microneedling"
    assert again.message.text().startswith("Restored what you typed at ")
    assert latest_template(db).version == 3  # restored on screen, not saved behind the owner's back
    assert again.save() is not None
    assert latest_template(db).body["title"] == "After your microneedling"
    assert load_form_draft(db, user.actor, "aftercare_template") is None
    later = AftercareTemplateDialog(db, user)
    qtbot.addWidget(later)
    assert later.message.text() == ""  # nothing to restore next time


def test_closing_the_consent_text_with_changes_asks_and_keep_editing_keeps_the_dialog_open(
        qtbot: QtBot, user: UserSession, db: Database, discard_questions: DiscardQuestions) -> None:
    wording = latest_consent_text(db).body
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.body_edit.setPlainText(wording + "\nI agree to photographs for my clinical record.")
    discard_questions.replies.append(False)  # "Keep editing"
    dialog.reject()
    assert discard_questions.asked == 1 and dialog.isVisible()
    wait_for_draft(qtbot, user, db, "consent_text")  # kept while the question is open, in case it is never answered
    dialog.reject()  # this time "Discard"
    assert discard_questions.asked == 2 and not dialog.isVisible()
    assert load_form_draft(db, user.actor, "consent_text") is None
    assert latest_consent_text(db).body == wording
    later = ConsentTextDialog(db, user)
    qtbot.addWidget(later)
    assert later.body_edit.toPlainText() == wording


def test_closing_without_changes_asks_nothing(qtbot: QtBot, user: UserSession, db: Database,
                                              discard_questions: DiscardQuestions) -> None:
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert discard_questions.asked == 0 and not dialog.isVisible()


def test_an_amendment_being_typed_comes_back_after_a_crash(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                           raw: sqlite3.Connection) -> None:
    clinic = make_clinic(db, owner)
    signed = log_session(db, clinic.derm, session_entry(clinic), sign=True)
    user.sign_in(clinic.derm)
    first = AmendDialog(db, user, get_session(db, signed.id))
    first.choose("Cheeks: depth (mm)")
    first.value_edit.setText("1.0")
    first.reason_edit.setPlainText("depth misread from the pen display")
    wait_for_draft(qtbot, user, db, f"amend:{signed.id}")
    crash(qtbot, first)

    again = AmendDialog(db, user, get_session(db, signed.id))
    qtbot.addWidget(again)
    assert again.field_combo.currentText() == "Cheeks: depth (mm)"
    assert (again.value_edit.text(), again.reason_edit.toPlainText()) == ("1.0", "depth misread from the pen display")
    assert again.note_label.text().startswith("Restored what you typed at ")
    assert raw.execute("SELECT count(*) FROM amendments").fetchone() == (0,)
    again.save()
    assert raw.execute("SELECT field, new_value, reason FROM amendments").fetchall() == [
        ("depth_mm", "1.0", "depth misread from the pen display")]
    assert load_form_draft(db, user.actor, f"amend:{signed.id}") is None



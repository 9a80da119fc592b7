"""The owner edits the clinic's consent wording (each save with a change is a new version) and how long a consent
is valid (kept as typed, checked on save, never rounded); others only read it; an old draft comes back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clinic.consent_texts import latest_consent_text, set_consent_validity
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.ui.clinic.consent_text_dialog import ConsentTextDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.named_widgets import named
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import make_clinic


def make_dialog(qtbot: QtBot, user: UserSession, db: Database) -> ConsentTextDialog:
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    return dialog


def test_owner_edits_the_consent_text_as_a_new_version(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                       raw: sqlite3.Connection) -> None:
    window = make_window(qtbot, db, user, db_path)
    assert [window.pages.tabText(i) for i in range(window.pages.count())][:2] == ["Sessions", "Clients"]
    window.consent_text_action.trigger()
    editor = window.findChild(ConsentTextDialog)
    assert editor is not None
    body = named(editor, "Consent text")
    assert isinstance(body, QPlainTextEdit)
    body.setPlainText(body.toPlainText() + "\n\nI agree that my photographs may be used in the clinic's audit.")
    validity = named(editor, "Consent valid for")
    assert isinstance(validity, QLineEdit) and validity.text() == "12m"
    validity.setText("6m")
    named(editor, "Save").click()  # type: ignore[attr-defined]
    versions = raw.execute("SELECT version, created_by FROM consent_texts WHERE purpose = 'treatment' "
                           "ORDER BY version").fetchall()
    assert [v for v, _ in versions] == [1, 2]
    assert raw.execute("SELECT body FROM consent_texts WHERE purpose = 'treatment' AND version = 2"
                       ).fetchone()[0].endswith("clinic's audit.")
    assert raw.execute("SELECT value FROM settings WHERE key = 'consent.validity'").fetchone() == ("6m",)


def test_consent_text_is_read_only_for_a_practitioner(qtbot: QtBot, user: UserSession, db: Database) -> None:
    user.sign_in(Actor("p", UserRole.PRACTITIONER))
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    body = named(dialog, "Consent text")
    assert isinstance(body, QPlainTextEdit) and body.isReadOnly()
    assert not named(dialog, "Save").isEnabled()
    assert "Only the owner" in dialog.version_label.text()


@pytest.mark.parametrize("typed", ["0m", "a year", "12 months", "2.5m", ""])
def test_a_consent_validity_that_is_not_a_period_stays_as_typed_with_the_reason(
        qtbot: QtBot, user: UserSession, db: Database, raw: sqlite3.Connection, typed: str) -> None:
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    validity = named(dialog, "Consent valid for")
    assert isinstance(validity, QLineEdit)
    validity.setText(typed)  # a spin box of 1–120 months turned 0 into 1 and "a year" into nothing, without a word
    named(dialog, "Save").click()  # type: ignore[attr-defined]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert validity.text() == typed
    assert dialog.problem_label.text().startswith("consent validity:")
    assert raw.execute("SELECT value FROM settings WHERE key = 'consent.validity'").fetchone() is None


def test_a_validity_stored_in_weeks_is_shown_as_stored_not_rounded_to_months(
        qtbot: QtBot, user: UserSession, db: Database) -> None:
    set_consent_validity(db, Actor("owner", UserRole.OWNER), "26w")
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    assert named(dialog, "Consent valid for").text() == "26w"  # type: ignore[attr-defined]
def test_a_changed_validity_alone_makes_no_new_version_of_the_wording(qtbot: QtBot, user: UserSession, db: Database,
                                                                       raw: sqlite3.Connection) -> None:
    dialog = make_dialog(qtbot, user, db)
    assert dialog.version_label.text().startswith("Editing version 1 (saved ")
    assert "Saving makes version 2" in dialog.version_label.text()
    validity = named(dialog, "Consent valid for")
    assert isinstance(validity, QLineEdit)
    validity.setText("26w")
    named(dialog, "Save").click()  # type: ignore[attr-defined]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert raw.execute("SELECT value FROM settings WHERE key = 'consent.validity'").fetchone() == ("26w",)
    assert raw.execute("SELECT COUNT(*) FROM consent_texts WHERE purpose = 'treatment'").fetchone() == (1,)


def test_new_wording_is_stored_trimmed_as_the_next_version(qtbot: QtBot, user: UserSession, db: Database) -> None:
    dialog = make_dialog(qtbot, user, db)
    body = named(dialog, "Consent text")
    assert isinstance(body, QPlainTextEdit)
    body.setPlainText("  I agree to microneedling of the areas discussed.\n\n")
    named(dialog, "Save").click()  # type: ignore[attr-defined]
    latest = latest_consent_text(db)
    assert (latest.version, latest.body) == (2, "I agree to microneedling of the areas discussed.")
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_draft_kept_before_validity_was_typed_comes_back_in_months(qtbot: QtBot, user: UserSession, db: Database,
                                                                     owner: Actor) -> None:
    save_form_draft(db, owner, "consent_text", {"body": "Draft wording", "validity_months": 6})
    dialog = make_dialog(qtbot, user, db)
    assert named(dialog, "Consent valid for").property("text") == "6m"
    assert named(dialog, "Consent text").property("plainText") == "Draft wording"
    assert "Restored what you typed at " in dialog.version_label.text()


def test_a_read_only_consent_text_keeps_no_draft(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    user.sign_in(clinic.nurse)  # practitioners read the wording; only the owner changes it
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    assert dialog.body_edit.isReadOnly() and dialog.autosave is None

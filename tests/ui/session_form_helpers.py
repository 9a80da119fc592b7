"""Helpers for the session-form tests: a clinic acting as its dermatologist, a form, and counted key presses."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.values import AreaInput
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.amend_dialog import AmendDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, session_entry

SKINPEN_RANGE = "is outside the SkinPen Precision's range 0.25–2.5 mm"


def stored(db_path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows read straight from the SQLite file with plain sqlite3: the truth the form is checked against."""
    with sqlite3.connect(db_path) as con:
        return con.execute(sql, params).fetchall()


def open_form(qtbot: QtBot, db: Database, user: UserSession, clinic: Clinic) -> SessionFormDialog:
    form = SessionFormDialog(db, user, clinic.client_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.assessment is not None or form.panel.messages() != [])
    return form


def checked(qtbot: QtBot, form: SessionFormDialog, condition: Callable[[], bool] | None = None) -> None:
    """Run the form's check now, wait until its result is on screen, then until `condition` holds.

    Without a practitioner or a Date/time that can be read, the form shows what is wrong at once. Otherwise the
    services answer from the worker: with a new `assessment` (a new object even when it finds what the last one
    found, so an earlier check is never taken for this one), or, when they could not check, with `assessment`
    None and a new error line in the panel."""
    before, first_line = form.assessment, form.panel.list.item(0)

    def answer_shown() -> bool:
        if form.assessment is not None:
            return form.assessment is not before
        line = form.panel.list.item(0)
        return line is not None and line is not first_line and line.text().startswith("Error: ")

    form.check_now()
    if form.entry() is not None:  # asked of the services (check_now shows an unreadable form at once)
        qtbot.waitUntil(answer_shown, timeout=5000)
    if condition is not None:
        qtbot.waitUntil(condition)


def type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Replace what `field` holds by typing `text` (ASCII), as a user who selected it all would."""
    field.setFocus()
    field.selectAll()  # type: ignore[attr-defined]
    QTest.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def error_shown(form: SessionFormDialog, text: str) -> bool:
    return f"Error: {text}" in form.panel.messages()


def second_client(db: Database, owner: Actor, fitzpatrick: int | None = 2, consent: date | None = CONSENT_SIGNED_ON,
                  ref: str = "P-2") -> int:
    """Amara Okafor, a second client (Fitzpatrick and consent as given)."""
    client = clients.create_client(db, owner, clients.ClientDetails(ref, "Amara", "Okafor", fitzpatrick=fitzpatrick))
    if consent is not None:
        record_consent(db, owner, client.id, "Amara Okafor", consent)
    return client.id


def fill_everything(form: SessionFormDialog, clinic: Clinic) -> None:
    """Type something into every part of the form (two areas, a half-typed lot, products, course, a complication,
    notes and a reason)."""
    form.toggle_area("forehead")
    form.toggle_area("cheeks")
    form.area_rows.rows[1].depth.setText("1.1")
    form.area_rows.rows[1].passes.setText("3")
    form.area_rows.rows[1].endpoint.setCurrentText("pinpoint bleeding")
    form.lot.setText("HALF-TYPED")
    form.products.numbing.setChecked(True)
    form.products.serum.setCurrentText("Hyaluronic acid serum")
    form.course_index.setText("2")
    form.course_total.setText("4")
    form.skin_response.setCurrentText("mild erythema")
    form.complications.add().action.setText("cool compress")
    form.notes.setPlainText("Łukasiewicz asked about PRP")
    form.panel.reason.setPlainText("scar tissue on cheeks")


@dataclass
class Keyboard:
    """Sends key presses to whatever has the focus, and counts them (a chord such as Ctrl+Enter counts once)."""

    qtbot: QtBot
    presses: int = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        for ch in text:
            QTest.keyClick(self.focus(), ch)
            self.presses += 1
            QApplication.processEvents()

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        for _ in range(times):
            QTest.keyClick(self.focus(), key, modifier)
            self.presses += 1
            QApplication.processEvents()


def open_detail(qtbot: QtBot, user: UserSession, db: Database, session_id: int) -> SessionDetailDialog:
    """The session view of `session_id`, shown."""
    dialog = SessionDetailDialog(get_session(db, session_id), db=db, user=user)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def amend_signed_cheeks(qtbot: QtBot, db: Database, user: UserSession,
                        clinic: Clinic) -> tuple[int, SessionDetailDialog, AmendDialog]:
    """The dermatologist's Amend dialog on a signed session of cheeks at 0.75 mm: (session id, view, dialog)."""
    signed = log_session(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 0.75, 2)), sign=True)
    user.sign_in(clinic.derm)
    view = SessionDetailDialog(get_session(db, signed.id), db=db, user=user)
    qtbot.addWidget(view)
    view.show()
    dialog = view.amend()
    assert isinstance(dialog, AmendDialog)
    return signed.id, view, dialog

"""Signing consent in the app: by drawing on the pad or by typed name, each stores the text version, its wording,
the image (if drawn) and the date, and the client page shows it. The consent text editor, the pad and the list of
signed consents have their own test files."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import PNG_MAGIC
from clinic_log.services.clinic.consent_texts import latest_consent_text
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.consent_dialog import ConsentDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.drawing import drag

TODAY = date(2026, 9, 1)


def named(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


@pytest.fixture
def client_id(db: Database, owner: Actor) -> int:
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1))).id


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database, client_id: int) -> ClientPage:
    widget = ClientPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    widget.show_client(client_id)
    qtbot.waitExposed(widget)
    return widget


def open_dialog(qtbot: QtBot, page: ClientPage) -> ConsentDialog:
    dialog = page.open_consent()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_consent_signed_by_drawing_stores_the_image_text_version_and_date(
        qtbot: QtBot, page: ClientPage, raw: sqlite3.Connection, db: Database) -> None:
    assert page.consent_label.text() == "No consent signed"
    dialog = open_dialog(qtbot, page)
    text = named(dialog, "Consent text")
    assert isinstance(text, QPlainTextEdit) and text.toPlainText() == latest_consent_text(db).body
    assert named(dialog, "Consent text version").property("text").startswith("Consent text version 1")
    sign = named(dialog, "Sign consent")
    assert isinstance(sign, QPushButton)
    sign.click()  # nothing drawn yet
    assert "nothing drawn" in named(dialog, "Problem").property("text")
    drag(dialog.pad, [(30, 60), (60, 40), (90, 70), (140, 35), (200, 65)])
    assert not dialog.pad.is_empty()
    sign.click()
    row = raw.execute("SELECT text_version, text_snapshot, signed_on, signer_name, signature_png FROM consents")
    version, snapshot, signed_on, signer, png = row.fetchone()
    assert (version, snapshot, signed_on, signer) == (1, latest_consent_text(db).body, "2026-09-01",
                                                     "Zófia Łukasiewicz")
    assert png.startswith(PNG_MAGIC) and len(png) > 200
    assert page.consent_label.text().startswith("Consent valid until 2027-09-01 (version 1, signed 2026-09-01")
    assert page.signature_label.isVisible() and not page.signature_label.pixmap().isNull()


def test_consent_signed_by_typed_name_has_no_image(qtbot: QtBot, page: ClientPage, raw: sqlite3.Connection) -> None:
    dialog = open_dialog(qtbot, page)
    typed = named(dialog, "Typed name as signature")
    assert isinstance(typed, QRadioButton)
    typed.setChecked(True)
    assert not dialog.pad.isEnabled()
    signer = named(dialog, "Signer name")
    signer.setProperty("text", "")
    signer.setFocus()
    for ch in "Anna Nowak (guardian)":
        qtbot.keyClick(signer, ch)
    named(dialog, "Sign consent").click()  # type: ignore[attr-defined]
    assert raw.execute("SELECT signer_name, signature_png FROM consents").fetchone() == (
        "Anna Nowak (guardian)", None)
    assert "signed by typed name" in page.consent_label.text()
    assert not page.signature_label.isVisible()




def test_a_signing_date_after_today_is_refused_on_the_dialog_and_nothing_stored(
        qtbot: QtBot, page: ClientPage, raw: sqlite3.Connection) -> None:
    dialog = open_dialog(qtbot, page)
    dialog.typed_radio.setChecked(True)
    tomorrow = date.today() + timedelta(days=1)
    dialog.date_edit.setFocus()
    dialog.date_edit.selectAll()
    qtbot.keyClicks(dialog.date_edit, tomorrow.isoformat())
    named(dialog, "Sign consent").click()  # type: ignore[attr-defined]
    assert named(dialog, "Problem").property("text") == (
        f"signed on: '{tomorrow.isoformat()}' is not allowed; today or earlier: the day it was signed")
    assert dialog.isVisible() and raw.execute("SELECT count(*) FROM consents").fetchone() == (0,)

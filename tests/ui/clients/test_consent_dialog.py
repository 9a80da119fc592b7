"""Consent in the app: signing by drawing on the pad or by typed name stores version, snapshot, image and date;
an old consent shows as expired; the owner's edit of the wording is a new version."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import PNG_MAGIC, record_consent
from clinic_log.services.clinic.consent_texts import latest_consent_text, save_consent_text, set_consent_validity
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.consent_dialog import ConsentDialog
from clinic_log.ui.clients.signature_pad import SignaturePad
from clinic_log.ui.clinic.consent_text_dialog import ConsentTextDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.window_helpers import make_window

TODAY = date(2026, 9, 1)


def named(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def drag(pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    """A mouse stroke across the pad: press, moves with the left button held, release."""
    def send(kind: QEvent.Type, x: int, y: int, buttons: Qt.MouseButton) -> None:
        local = QPointF(x, y)
        event = QMouseEvent(kind, local, QPointF(pad.mapToGlobal(QPoint(x, y))), Qt.MouseButton.LeftButton,
                            buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, event)

    send(QEvent.Type.MouseButtonPress, *points[0], Qt.MouseButton.LeftButton)
    for x, y in points[1:]:
        send(QEvent.Type.MouseMove, x, y, Qt.MouseButton.LeftButton)
    send(QEvent.Type.MouseButtonRelease, *points[-1], Qt.MouseButton.NoButton)


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


def test_consent_older_than_the_validity_period_shows_expired(
        qtbot: QtBot, page: ClientPage, db: Database, owner: Actor, client_id: int) -> None:
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2025, 8, 31))
    page.reload()
    assert page.consent_label.text().startswith("Consent expired on 2026-08-31")
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2025, 9, 2))
    page.reload()
    assert page.consent_label.text().startswith("Consent valid until 2026-09-02")


def test_clearing_the_pad_forgets_the_drawing(qtbot: QtBot) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(300, 120)
    pad.show()
    drag(pad, [(10, 10), (100, 50)])
    assert pad.png_bytes() is not None
    pad.clear()
    assert pad.is_empty() and pad.png_bytes() is None


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
    versions = raw.execute("SELECT version, created_by FROM consent_texts ORDER BY version").fetchall()
    assert [v for v, _ in versions] == [1, 2]
    assert raw.execute("SELECT body FROM consent_texts WHERE version = 2").fetchone()[0].endswith("clinic's audit.")
    assert raw.execute("SELECT value FROM settings WHERE key = 'consent.validity'").fetchone() == ("6m",)


def test_consent_text_is_read_only_for_a_practitioner(qtbot: QtBot, user: UserSession, db: Database) -> None:
    user.sign_in(Actor("p", UserRole.PRACTITIONER))
    dialog = ConsentTextDialog(db, user)
    qtbot.addWidget(dialog)
    body = named(dialog, "Consent text")
    assert isinstance(body, QPlainTextEdit) and body.isReadOnly()
    assert not named(dialog, "Save").isEnabled()
    assert "Only the owner" in dialog.version_label.text()


def _signature_png() -> bytes:
    image = QImage(240, 80, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setPen(QPen(Qt.GlobalColor.black, 3))
    painter.drawLine(20, 60, 220, 20)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_all_consents_lists_each_signed_consent_with_the_wording_and_signature_of_its_day(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, client_id: int) -> None:
    first_wording = latest_consent_text(db).body
    record_consent(db, owner, client_id, "Anna Nowak (guardian)", date(2025, 3, 2))  # typed name, version 1
    save_consent_text(db, owner, first_wording + "\nPhotographs may be taken for the clinical record.")
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2026, 8, 20), signature_png=_signature_png())
    page = ClientPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show_client(client_id)
    assert page.history_button.isEnabled()
    dialog = page.open_consent_history()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    listed = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert listed == ["2026-08-20 · version 2 · Zófia Łukasiewicz (signature drawn)",
                      "2025-03-02 · version 1 · Anna Nowak (guardian) (name typed)"]
    assert dialog.wording.toPlainText().endswith("Photographs may be taken for the clinical record.")
    assert not dialog.signature.pixmap().isNull()
    dialog.list.setCurrentRow(1)
    assert dialog.wording.toPlainText() == first_wording  # what was signed then, not today's text
    assert dialog.heading.text() == "Signed 2025-03-02 by Anna Nowak (guardian), consent text version 1"
    assert dialog.signature.text() == "Signed by typed name: Anna Nowak (guardian)"


def test_all_consents_is_unavailable_until_a_consent_is_signed(qtbot: QtBot, page: ClientPage) -> None:
    assert not page.history_button.isEnabled()
    assert page.open_consent_history() is None


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

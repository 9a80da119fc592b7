"""Every consent a client signed, newest first: for the one selected, the exact wording of its day and the
signature as drawn (or a note that the name was typed), read-only."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import SignedConsent, record_consent
from clinic_log.services.clinic.consent_texts import latest_consent_text, save_consent_text
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.consent_history_dialog import ConsentHistoryDialog
from clinic_log.ui.common.user_session import UserSession

TODAY = date(2026, 9, 1)


@pytest.fixture
def client_id(db: Database, owner: Actor) -> int:
    return clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1))).id


def make_dialog(qtbot: QtBot, consents: list[SignedConsent]) -> ConsentHistoryDialog:
    dialog = ConsentHistoryDialog(consents, "Zófia Łukasiewicz")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


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
    assert listed == ["2026-08-20 · treatment consent · version 2 · Zófia Łukasiewicz (signature drawn)",
                      "2025-03-02 · treatment consent · version 1 · Anna Nowak (guardian) (name typed)"]
    assert dialog.wording.toPlainText().endswith("Photographs may be taken for the clinical record.")
    assert not dialog.signature.pixmap().isNull()
    dialog.list.setCurrentRow(1)
    assert dialog.wording.toPlainText() == first_wording  # what was signed then, not today's text
    assert dialog.heading.text() == "Signed 2025-03-02 by Anna Nowak (guardian), consent text version 1"
    assert dialog.signature.text() == "Signed by typed name: Anna Nowak (guardian)"


DRAWN = SignedConsent(2, date(2026, 8, 20), 2, "I agree to microneedling.", "Zófia Łukasiewicz", None)
TYPED = SignedConsent(1, date(2025, 3, 2), 1, "I agree.", "Anna Nowak (guardian)", None)


def test_going_back_from_a_typed_name_to_a_drawn_signature_shows_the_drawing_alone(qtbot: QtBot) -> None:
    drawn = SignedConsent(DRAWN.id, DRAWN.signed_on, DRAWN.text_version, DRAWN.text_snapshot, DRAWN.signer_name,
                          _signature_png())
    dialog = make_dialog(qtbot, [drawn, TYPED])
    assert dialog.windowTitle() == "Consents signed — Zófia Łukasiewicz"
    dialog.list.setCurrentRow(1)
    assert dialog.signature.text() == "Signed by typed name: Anna Nowak (guardian)"
    dialog.list.setCurrentRow(0)
    assert dialog.signature.text() == "" and not dialog.signature.pixmap().isNull()  # no stale note beside it
    assert dialog.heading.text() == "Signed 2026-08-20 by Zófia Łukasiewicz, consent text version 2"
    assert dialog.wording.toPlainText() == "I agree to microneedling."


def test_the_wording_signed_cannot_be_edited(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, [TYPED])
    assert dialog.wording.isReadOnly()
    assert dialog.list.currentRow() == 0 and dialog.wording.toPlainText() == "I agree."


def test_no_consents_shows_an_empty_list_and_nothing_selected(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, [])
    assert dialog.list.count() == 0
    assert dialog.heading.text() == "" and dialog.wording.toPlainText() == ""

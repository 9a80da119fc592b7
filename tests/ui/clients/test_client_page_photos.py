"""The client page's Photos box and the photo consent: "Sign photo consent…" opens the consent dialog for that
purpose, saying so, and once signed the box says the consent is valid; the consent history names each purpose;
adding photos for other uses records that consent first, then goes on."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, PhotoUse
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import record_consent
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.consent_dialog import ConsentDialog
from clinic_log.ui.clients.consent_history_dialog import ConsentHistoryDialog
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.add_photos_dialog import AddPhotosDialog
from tests.ui.dialogs import opens
from tests.ui.named_widgets import button
from tests.ui.photos.photo_helpers import day, image_file

TODAY = date(2026, 9, 1)
PHOTOS_CLINICAL = ConsentPurpose.PHOTOS_CLINICAL


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> ClientPage:
    client = clients.create_client(db, owner, ClientDetails("P-1", "Zofia", "Nowak", date(1990, 1, 1)))
    record_consent(db, owner, client.id, "Zofia Nowak", date(2026, 8, 1))  # treatment only
    widget = ClientPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_client(client.id)
    qtbot.waitUntil(lambda: widget.photos.shown is not None)
    return widget


def test_signing_the_photo_consent_from_the_photos_box_records_that_purpose_and_allows_adding(
        qtbot: QtBot, page: ClientPage, raw: sqlite3.Connection) -> None:
    box = page.photos
    assert box.consent_label.text() == "No consent to clinical-record photos"
    assert not box.shown or not box.shown.may_add
    with opens(qtbot, ConsentDialog, page) as signing:
        button(box, "Sign photo consent…").click()
    dialog = signing.widget
    assert dialog.purpose_label.text() == "Signing: consent to clinical-record photos"
    assert "photo" in dialog.text_view.toPlainText().lower()  # the photo consent's own wording
    dialog.typed_radio.setChecked(True)
    dialog.sign_button.click()
    assert raw.execute("SELECT purpose, signed_on FROM consents ORDER BY id").fetchall() == [
        ("treatment", "2026-08-01"), ("photos_clinical", "2026-09-01")]
    qtbot.waitUntil(lambda: box.shown is not None and box.shown.may_add)
    assert box.consent_label.text().startswith("Consent to clinical-record photos: valid until ")
    with opens(qtbot, ConsentHistoryDialog, page) as history:
        page.open_consent_history()
    lines = [history.widget.list.item(row).text() for row in range(history.widget.list.count())]
    assert [line.split(" · ")[1] for line in lines] == ["consent to clinical-record photos", "treatment consent"]
    history.widget.close()

    # next the box offers the consent to other uses (marketing, teaching), which photos for those need
    with opens(qtbot, ConsentDialog, page) as other:
        button(box, "Sign consent to other uses…").click()
    assert other.widget.purpose_label.text() == "Signing: consent to photos for other uses"
    other.widget.typed_radio.setChecked(True)
    other.widget.sign_button.click()
    assert raw.execute("SELECT purpose FROM consents ORDER BY id DESC LIMIT 1").fetchone() == ("photos_other",)
    qtbot.waitUntil(lambda: box.shown is not None and box.shown.other_consent.state == "valid")
    assert button(box, "Sign photo consent…").isEnabled()


def test_the_treatment_consent_button_still_signs_the_treatment_consent(
        qtbot: QtBot, page: ClientPage, raw: sqlite3.Connection) -> None:
    with opens(qtbot, ConsentDialog, page) as signing:
        button(page, "Sign consent…").click()
    assert signing.widget.purpose_label.text() == "Signing: treatment consent"
    signing.widget.typed_radio.setChecked(True)
    signing.widget.sign_button.click()
    assert raw.execute("SELECT purpose FROM consents ORDER BY id DESC LIMIT 1").fetchone() == ("treatment",)


def test_adding_photos_for_other_uses_records_that_consent_first_and_then_goes_on(
        qtbot: QtBot, page: ClientPage, db: Database, owner: Actor, raw: sqlite3.Connection, tmp_path: Path) -> None:
    """The add-photos dialog offers "Record other-use consent…"; the consent dialog opens for that purpose, and once
    it is signed the add that waited for it stores the photo for other uses."""
    record_consent(db, owner, page.record.client.id, "Zofia Nowak", date(2026, 8, 1), purpose=PHOTOS_CLINICAL)
    page.reload()
    qtbot.waitUntil(lambda: page.photos.shown is not None and page.photos.shown.may_add)
    adding = page.photos.add_files([image_file(tmp_path / "a.jpg", (10, 120, 40), day(2))])
    assert isinstance(adding, AddPhotosDialog)
    qtbot.waitUntil(lambda: adding.choices is not None)
    adding.use_combo.setCurrentIndex(adding.use_combo.findData(PhotoUse.OTHER.value))
    button(adding, "Add photos").click()
    assert raw.execute("SELECT COUNT(*) FROM photos").fetchone() == (0,)

    with opens(qtbot, ConsentDialog, page) as signing:
        button(adding, "Record other-use consent…").click()
    dialog = signing.widget
    assert dialog.purpose_label.text() == "Signing: consent to photos for other uses"
    dialog.typed_radio.setChecked(True)
    dialog.sign_button.click()
    assert raw.execute("SELECT purpose FROM consents ORDER BY id DESC LIMIT 1").fetchone() == ("photos_other",)
    qtbot.waitUntil(lambda: adding.outcome is not None)
    assert adding.summary_label.text() == "1 photo stored."
    assert not adding.consent_label.isVisible()
    assert raw.execute("SELECT use FROM photos").fetchall() == [("other",)]

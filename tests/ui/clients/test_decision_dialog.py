"""The decision dialogs driven like a user from a client's page: a referral typed in the dialog is listed, a bad
review date is refused with its reason, closing asks for a note, every input is named by its label, and a
referral's letter is previewed and saved. How the page's Decisions box lists them is tested in
test_client_page_decisions.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.sessions.decisions import open_decisions
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.decision_dialog import CloseDecisionDialog, ReferralPreviewDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.decision_helpers import (
    TODAY,
    decision_dialog,
    listed_box,
    listed_lines,
    not_suitable_client_page,
    record_decision,
)
from tests.ui.named_widgets import button, edit, named, type_text


@pytest.fixture
def client_page(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> ClientPage:
    return not_suitable_client_page(qtbot, user, db, owner)


def test_a_referral_typed_in_the_dialog_is_listed_on_the_page(client_page: ClientPage, db: Database) -> None:
    dialog = decision_dialog(client_page, "referral")
    assert not named(dialog, "Review on").isVisibleTo(dialog) and named(dialog, "Referred to").isVisibleTo(dialog)
    type_text(named(dialog, "Reason"), "pacemaker — cardiologist's word first")
    type_text(edit(dialog, "Referred to"), "Dr Łucja Nowak, cardiologist")
    button(dialog, "Record decision").click()
    assert listed_lines(client_page) == [
        "referred to Dr Łucja Nowak, cardiologist: pacemaker — cardiologist's word first (recorded by owner)"]
    assert not button(client_page, "Record decision…").isDefault()  # something was decided
    assert client_page.client_id is not None
    assert len(open_decisions(db, client_page.client_id, TODAY)) == 1


def test_an_impossible_review_date_is_refused_with_its_reason_and_nothing_is_stored(
        client_page: ClientPage, db: Database) -> None:
    dialog = decision_dialog(client_page, "defer")
    type_text(named(dialog, "Reason"), "keloid still active")
    type_text(named(dialog, "Review on"), "2027-02-30")
    button(dialog, "Record decision").click()
    problem = named(dialog, "Problem")
    assert isinstance(problem, QLabel) and "Review on" in problem.text() and "2027-02-30" in problem.text()
    named(dialog, "Review on").clear()
    type_text(named(dialog, "Review on"), TODAY.isoformat())
    button(dialog, "Record decision").click()
    assert "a date after today" in problem.text()
    assert dialog.isVisible() and client_page.client_id is not None
    assert open_decisions(db, client_page.client_id, TODAY) == ()


def test_close_asks_for_a_note(client_page: ClientPage) -> None:
    record_decision(client_page, "alternative", "RF not possible", "mechanical pen only")
    button(client_page, "Close…").click()
    closing = client_page.findChild(CloseDecisionDialog)
    assert isinstance(closing, CloseDecisionDialog)
    button(closing, "Close decision").click()
    assert "close note" in named(closing, "Problem").text()  # type: ignore[attr-defined]
    assert closing.isVisible()


def test_every_input_of_the_dialog_is_named_by_its_label(client_page: ClientPage) -> None:
    dialog = decision_dialog(client_page, "defer")
    form = dialog.findChild(QFormLayout)
    assert isinstance(form, QFormLayout)
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(field, QWidget)
        assert field.accessibleName() == label.text()


def test_a_referral_letter_is_previewed_and_saved_for_the_selected_referral(
        qtbot: QtBot, client_page: ClientPage, db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = decision_dialog(client_page, "alternative")
    type_text(named(dialog, "Reason"), "no needling while on isotretinoin")
    type_text(edit(dialog, "Alternative"), "LED therapy")
    button(dialog, "Record decision").click()
    letter = button(client_page, "Referral letter…")
    assert not letter.isEnabled()  # an alternative has no letter
    dialog = decision_dialog(client_page, "referral")
    type_text(named(dialog, "Reason"), "scarring needs a dermatologist's plan")
    type_text(edit(dialog, "Referred to"), "Dr Anna Weiss, dermatologist")
    button(dialog, "Record decision").click()
    listed = listed_box(client_page)
    listed.setCurrentRow(1)
    assert letter.isEnabled()
    letter.click()
    preview = client_page.findChild(ReferralPreviewDialog)
    assert isinstance(preview, ReferralPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    qtbot.waitUntil(lambda: preview.save_button.isEnabled())
    assert preview.status_label.text() == "1 page"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_args: (str(tmp_path / "letter.pdf"), "PDF files (*.pdf)")))
    preview.save_button.click()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "letter.pdf").pages).split())
    assert "To Dr Anna Weiss, dermatologist" in text and "Zófia Łukasiewicz" in text
    assert "scarring needs a dermatologist's plan" in text

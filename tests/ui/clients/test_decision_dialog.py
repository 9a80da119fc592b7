"""The client page's Decisions box driven like a user: "Not suitable today" makes Record decision… the default,
a referral typed in the dialog is listed, a bad review date is refused with its reason, Close… moves it below the
open ones, greyed, with who closed it and why (never offered for Close… again, a closed referral's letter still
prints), and reception only reads."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QLabel, QListWidget, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.sessions.decisions import open_decisions
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.clients.decision_dialog import CloseDecisionDialog, DecisionDialog, ReferralPreviewDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.test_clients_page import button, edit, named, type_text

TODAY = date.today()  # a decision is dated by the clock; the page judges "open" for its today


@pytest.fixture
def client_page(qtbot: QtBot, user: UserSession, db: Database, owner: Actor) -> ClientPage:
    user.sign_in(owner)
    client = clients.create_client(db, owner, ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1)))
    clients.add_finding(db, owner, client.id, "isotretinoin", TODAY - timedelta(days=90), TODAY - timedelta(days=10))
    page = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page.open_client(client.id)


def _listed(page: ClientPage) -> QListWidget:
    widget = named(page, "Decisions")
    assert isinstance(widget, QListWidget)
    return widget


def _list(page: ClientPage) -> list[str]:
    widget = _listed(page)
    return [widget.item(n).text() for n in range(widget.count())] if widget.isVisible() else []


def _record(page: ClientPage, kind: str, reason: str, detail: str) -> None:
    dialog = _dialog(page, kind)
    type_text(named(dialog, "Reason"), reason)
    type_text(edit(dialog, {"referral": "Referred to", "alternative": "Alternative"}[kind]), detail)
    button(dialog, "Record decision").click()


def _close(page: ClientPage, row: int, note: str) -> None:
    _listed(page).setCurrentRow(row)
    button(page, "Close…").click()
    (closing,) = [d for d in page.findChildren(CloseDecisionDialog) if d.isVisible()]
    type_text(edit(closing, "Close note"), note)
    button(closing, "Close decision").click()


def _dialog(page: ClientPage, kind: str) -> DecisionDialog:
    button(page, "Record decision…").click()
    (dialog,) = [d for d in page.findChildren(DecisionDialog) if d.isVisible()]  # an earlier one awaits deletion
    combo = named(dialog, "Decision")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(kind))
    return dialog


def test_not_suitable_today_makes_recording_a_decision_the_default(client_page: ClientPage) -> None:
    assert client_page.suitability.verdict_text == "Not suitable today"
    record = button(client_page, "Record decision…")
    assert record.isEnabled() and record.isDefault()
    assert not button(client_page, "Close…").isEnabled()
    assert _list(client_page) == []


def test_a_referral_typed_in_the_dialog_is_listed_on_the_page(client_page: ClientPage, db: Database) -> None:
    dialog = _dialog(client_page, "referral")
    assert not named(dialog, "Review on").isVisibleTo(dialog) and named(dialog, "Referred to").isVisibleTo(dialog)
    type_text(named(dialog, "Reason"), "pacemaker — cardiologist's word first")
    type_text(edit(dialog, "Referred to"), "Dr Łucja Nowak, cardiologist")
    button(dialog, "Record decision").click()
    assert _list(client_page) == ["referred to Dr Łucja Nowak, cardiologist: pacemaker — cardiologist's word first "
                                  "(recorded by owner)"]
    assert not button(client_page, "Record decision…").isDefault()  # something was decided
    assert client_page.client_id is not None
    assert len(open_decisions(db, client_page.client_id, TODAY)) == 1


def test_an_impossible_review_date_is_refused_with_its_reason_and_nothing_is_stored(
        client_page: ClientPage, db: Database) -> None:
    dialog = _dialog(client_page, "defer")
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
    _record(client_page, "alternative", "RF not possible", "mechanical pen only")
    button(client_page, "Close…").click()
    closing = client_page.findChild(CloseDecisionDialog)
    assert isinstance(closing, CloseDecisionDialog)
    button(closing, "Close decision").click()
    assert "close note" in named(closing, "Problem").text()  # type: ignore[attr-defined]
    assert closing.isVisible()


def test_a_closed_decision_stays_listed_after_the_open_ones_greyed_with_who_closed_it_and_why(
        client_page: ClientPage) -> None:
    _record(client_page, "alternative", "RF not possible", "mechanical pen only")
    _record(client_page, "referral", "lesion", "GP")
    _close(client_page, 0, "cardiologist agreed")
    assert _list(client_page) == [
        "referred to GP: lesion (recorded by owner)",
        f"alternative suggested (mechanical pen only): RF not possible (recorded by owner) — closed "
        f"{TODAY.isoformat()} by owner: cardiologist agreed"]
    listed = _listed(client_page)
    open_colour, closed_colour = (listed.item(n).foreground().color() for n in (0, 1))
    assert closed_colour.lightness() > open_colour.lightness() + 60  # grey, not the text colour
    close = button(client_page, "Close…")
    listed.setCurrentRow(1)
    assert not close.isEnabled()
    close.click()  # even if it were clicked somehow, nothing is offered for a closed decision
    assert not [d for d in client_page.findChildren(CloseDecisionDialog) if d.isVisible()]
    listed.setCurrentRow(0)
    assert close.isEnabled()
    assert not named(client_page, "Decisions note").isVisible()  # something is still open


def test_only_closed_decisions_make_recording_one_the_default_again(client_page: ClientPage) -> None:
    _record(client_page, "alternative", "RF not possible", "mechanical pen only")
    _close(client_page, 0, "skin clear now")
    assert len(_list(client_page)) == 1
    note = named(client_page, "Decisions note")
    assert isinstance(note, QLabel) and note.isVisible() and note.text() == "No open deferral, alternative or referral."
    assert button(client_page, "Record decision…").isDefault()
    assert not button(client_page, "Close…").isEnabled()


def test_a_closed_referral_still_prints_its_letter(qtbot: QtBot, client_page: ClientPage) -> None:
    _record(client_page, "referral", "scarring needs a dermatologist's plan", "Dr Anna Weiss, dermatologist")
    _close(client_page, 0, "seen by Dr Weiss")
    _listed(client_page).setCurrentRow(0)
    letter = button(client_page, "Referral letter…")
    assert letter.isEnabled() and not button(client_page, "Close…").isEnabled()
    letter.click()
    preview = client_page.findChild(ReferralPreviewDialog)
    assert isinstance(preview, ReferralPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    assert isinstance(preview.save_button, QPushButton)


def test_reception_sees_decisions_but_cannot_record_or_close(
        client_page: ClientPage, user: UserSession) -> None:
    dialog = _dialog(client_page, "referral")
    type_text(named(dialog, "Reason"), "lesion")
    type_text(edit(dialog, "Referred to"), "GP")
    button(dialog, "Record decision").click()
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    client_page.reload()
    assert len(_list(client_page)) == 1
    assert not button(client_page, "Record decision…").isEnabled()
    assert not button(client_page, "Close…").isEnabled()


def test_every_input_of_the_dialog_is_named_by_its_label(client_page: ClientPage) -> None:
    dialog = _dialog(client_page, "defer")
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
    dialog = _dialog(client_page, "alternative")
    type_text(named(dialog, "Reason"), "no needling while on isotretinoin")
    type_text(edit(dialog, "Alternative"), "LED therapy")
    button(dialog, "Record decision").click()
    letter = button(client_page, "Referral letter…")
    assert not letter.isEnabled()  # an alternative has no letter
    dialog = _dialog(client_page, "referral")
    type_text(named(dialog, "Reason"), "scarring needs a dermatologist's plan")
    type_text(edit(dialog, "Referred to"), "Dr Anna Weiss, dermatologist")
    button(dialog, "Record decision").click()
    listed = _listed(client_page)
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

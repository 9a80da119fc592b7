"""The client page's Decisions box: "Not suitable today" makes Record decision… the default until something is
decided, a closed decision is listed below the open ones, greyed, with who closed it and why (never offered for
Close… again, a closed referral's letter still prints), and reception only reads."""

from __future__ import annotations

import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.decision_dialog import CloseDecisionDialog, ReferralPreviewDialog
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.decision_helpers import (
    TODAY,
    close_decision,
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


def test_not_suitable_today_makes_recording_a_decision_the_default(client_page: ClientPage) -> None:
    assert client_page.suitability.verdict_text == "Not suitable today"
    record = button(client_page, "Record decision…")
    assert record.isEnabled() and record.isDefault()
    assert not button(client_page, "Close…").isEnabled()
    assert listed_lines(client_page) == []


def test_a_closed_decision_stays_listed_after_the_open_ones_greyed_with_who_closed_it_and_why(
        client_page: ClientPage) -> None:
    record_decision(client_page, "alternative", "RF not possible", "mechanical pen only")
    record_decision(client_page, "referral", "lesion", "GP")
    close_decision(client_page, 0, "cardiologist agreed")
    assert listed_lines(client_page) == [
        "referred to GP: lesion (recorded by owner)",
        f"alternative suggested (mechanical pen only): RF not possible (recorded by owner) — closed "
        f"{TODAY.isoformat()} by owner: cardiologist agreed"]
    listed = listed_box(client_page)
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
    record_decision(client_page, "alternative", "RF not possible", "mechanical pen only")
    close_decision(client_page, 0, "skin clear now")
    assert len(listed_lines(client_page)) == 1
    note = named(client_page, "Decisions note")
    assert isinstance(note, QLabel) and note.isVisible() and note.text() == "No open deferral, alternative or referral."
    assert button(client_page, "Record decision…").isDefault()
    assert not button(client_page, "Close…").isEnabled()


def test_a_closed_referral_still_prints_its_letter(qtbot: QtBot, client_page: ClientPage) -> None:
    record_decision(client_page, "referral", "scarring needs a dermatologist's plan", "Dr Anna Weiss, dermatologist")
    close_decision(client_page, 0, "seen by Dr Weiss")
    listed_box(client_page).setCurrentRow(0)
    letter = button(client_page, "Referral letter…")
    assert letter.isEnabled() and not button(client_page, "Close…").isEnabled()
    letter.click()
    preview = client_page.findChild(ReferralPreviewDialog)
    assert isinstance(preview, ReferralPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    assert isinstance(preview.save_button, QPushButton)


def test_reception_sees_decisions_but_cannot_record_or_close(
        client_page: ClientPage, user: UserSession) -> None:
    dialog = decision_dialog(client_page, "referral")
    type_text(named(dialog, "Reason"), "lesion")
    type_text(edit(dialog, "Referred to"), "GP")
    button(dialog, "Record decision").click()
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    client_page.reload()
    assert len(listed_lines(client_page)) == 1
    assert not button(client_page, "Record decision…").isEnabled()
    assert not button(client_page, "Close…").isEnabled()

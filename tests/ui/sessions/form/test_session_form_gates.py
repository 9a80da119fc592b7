"""What the practitioner sees of the gates (issue 14): a new lot's expiry, red stops, who may override them, the
return to the login when a login no longer stands, and an amendment checked as a session."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import AuthorityRevoked
from clinic_log.services.clients import clients
from clinic_log.services.people import auth
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.people.login_dialog import LoginDialog
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.ui.dialogs import opens
from tests.ui.session_form_helpers import amend_signed_cheeks, checked, open_form
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import LOT_EXPIRES, Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_a_new_lot_typed_over_the_prefilled_one_has_no_expiry_until_one_is_entered(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    assert form.lot.text() == "SP14-1" and form.lot_expires.value() == LOT_EXPIRES
    assert not form.lot_expires.isEnabled()  # a lot on record shows its stored expiry; it is not typed over
    form.toggle_area("forehead")
    form.lot.selectAll()
    qtbot.keyClicks(form.lot, "NEW-9")
    qtbot.keyClick(form.lot, Qt.Key.Key_Return)
    checked(qtbot, form)
    assert form.lot_expires.value() is None and form.lot_expires.text() == ""
    assert form.lot_expires.placeholderText() == "yyyy-mm-dd, not set" and form.lot_expires.hasFocus()
    assert form.lot_status.text() == "new lot: enter its expiry"  # stays so after the check ran
    assert "Error: enter the expiry of lot NEW-9" in form.panel.messages()
    assert not form.sign_button.isEnabled()
    expiry = date.today() + timedelta(days=200)
    qtbot.keyClicks(form.lot_expires, expiry.isoformat())
    checked(qtbot, form, lambda: form.sign_button.isEnabled())
    with qtbot.waitSignal(form.signed) as signed:
        form.sign()
    with sqlite3.connect(db_path) as con:
        stored = con.execute("SELECT l.lot_number, l.expires_on FROM sessions s JOIN cartridge_lots l "
                             "ON l.id = s.cartridge_lot_id WHERE s.id = ?", (signed.args[0],)).fetchone()
    assert stored == ("NEW-9", expiry.isoformat())


def test_emptying_the_lot_box_records_no_lot_and_never_says_lot_none(qtbot: QtBot, user: UserSession, db: Database,
                                                                    clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.lot.selectAll()
    qtbot.keyClick(form.lot, Qt.Key.Key_Backspace)
    qtbot.keyClick(form.lot, Qt.Key.Key_Tab)
    checked(qtbot, form)
    assert form.lot_status.text() == "no lot recorded" and form.lot_expires.text() == ""
    assert not form.lot_expires.isEnabled()
    assert not any("None" in m for m in form.panel.messages())
    entry = form.entry()
    assert entry is not None and (entry.cartridge_lot, entry.lot_expires) == (None, None)


def _isotretinoin(db: Database, owner: Actor, clinic: Clinic) -> None:
    clients.add_finding(db, owner, clinic.client_id, "isotretinoin", date.today() - timedelta(days=60),
                        ends_on=date.today() - timedelta(days=30))


def test_a_stop_is_red_and_named_and_a_nurse_cannot_sign_over_it_with_any_reason(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _isotretinoin(db, owner, clinic)
    user.sign_in(clinic.nurse)
    form = open_form(qtbot, db, user, clinic)
    form.practitioner.setCurrentIndex(form.practitioner.findData(clinic.nurse_id))
    form.supervisor.setCurrentIndex(form.supervisor.findData(clinic.derm_id))
    form.toggle_area("forehead")
    checked(qtbot, form, lambda: any(m.startswith("STOP: Isotretinoin") for m in form.panel.messages()))
    stop = next(form.panel.list.item(n) for n in range(form.panel.list.count())
                if form.panel.list.item(n).text().startswith("STOP"))
    assert stop.foreground().color().name() == "#b00020" and stop.font().bold()
    assert "1 stop (a physician or the owner must override)" in form.panel.summary.text()
    assert form.panel.stop_note.isVisible() and not form.panel.override.isVisible()
    assert "Only a dermatologist, a plastic surgeon or the owner" in form.panel.stop_note.text()
    form.panel.reason.setPlainText("ok")
    assert not form.sign()
    assert "only a dermatologist, a plastic surgeon or the owner may override" in form.panel.status.text()
    assert form.save_draft_now()  # kept as a draft for the physician
    draft_id = form.session_id
    assert draft_id is not None

    user.sign_in(clinic.derm)
    view = SessionDetailDialog(get_session(db, draft_id), db=db, user=user)
    qtbot.addWidget(view)
    view.show()
    assert view.override_button.isVisible() and not view.sign_button.isVisible()  # not her session to sign
    monkeypatch.setattr(view, "ask_reason", lambda title, text, action: "course ended early; low dose; reviewed")
    view.override()
    assert "overridden by mbrandt" in view.value_text("Overrides")

    user.sign_in(clinic.nurse)
    assert form.sign()  # the same content as overridden: it signs
    [stop_row] = get_session(db, draft_id).warnings
    assert (stop_row.level, stop_row.overridden_by) == ("stop", "mbrandt")


def test_a_physician_overrides_a_stop_in_the_form_with_a_reason_of_a_few_words(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    _isotretinoin(db, owner, clinic)
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    checked(qtbot, form, lambda: form.panel.override.isVisible())
    form.panel.override.setPlainText("ok")
    assert not form.sign()
    assert "at least 3 words" in form.panel.status.text() and form.panel.override.hasFocus()
    form.panel.override.setPlainText("course ended early, reviewed the letter")
    with qtbot.waitSignal(form.signed):
        assert form.sign()


def test_a_login_that_no_longer_stands_returns_the_window_to_the_login(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front Desk", "reception", "front-office-pass-1")
    user.sign_in(auth.login(db, "desk", "front-office-pass-1"))
    window = make_window(qtbot, db, user, db_path)
    [desk] = [u for u in auth.list_users(db, owner) if u.username == "desk"]
    auth.deactivate_user(db, owner, desk.id)
    with opens(qtbot, LoginDialog, window) as opened, pytest.raises(AuthorityRevoked, match="deactivated"):
        clients.create_client(db, user.actor, clients.ClientDetails("P-5", "New", "Client"))
    dialog = opened.widget
    qtbot.addWidget(dialog)
    assert window.guard.locked
    assert "desk was deactivated since logging in" in dialog.prompt_label.text()
    assert not window.centralWidget().isVisible()


def test_an_amendment_refuses_nan_with_its_reason_and_asks_for_a_reason_for_a_new_warning(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, clinic: Clinic) -> None:
    signed_id, view, dialog = amend_signed_cheeks(qtbot, db, user, clinic)
    dialog.choose("Cheeks: depth (mm)")
    qtbot.keyClicks(dialog.reason_edit, "pen display misread")
    for typed in ("nan", "1e309"):
        dialog.value_edit.setText(typed)
        dialog.save()
        assert f"depth_mm: '{typed}' is not allowed" in dialog.error_label.text()
        assert dialog.isVisible()
    dialog.value_edit.setText("1,75")
    dialog.save()
    assert "Cheeks 1.75 mm is outside the usual" in dialog.error_label.text()
    assert dialog.warnings_edit.isVisible() and dialog.isVisible()
    dialog.warnings_edit.setPlainText("deep atrophic scars on both cheeks")
    with qtbot.waitSignal(view.changed):
        dialog.save()
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT depth_mm FROM session_areas WHERE session_id = ?", (signed_id,)).fetchone() \
            == (1.75,)
        assert con.execute("SELECT reason FROM session_warnings WHERE session_id = ? AND code = 'depth_area'",
                           (signed_id,)).fetchone() == ("deep atrophic scars on both cheeks",)


def test_a_window_that_only_reads_notices_a_deactivated_login_within_half_a_minute(
        qtbot: QtBot, user: UserSession, db: Database, db_path: Path, owner: Actor) -> None:
    auth.create_user(db, owner, "desk", "Front Desk", "reception", "front-office-pass-1")
    user.sign_in(auth.login(db, "desk", "front-office-pass-1"))
    window = make_window(qtbot, db, user, db_path)
    assert window.guard.login_check.isActive() and window.guard.login_check.interval() == 30_000
    window.guard.check_login()  # still standing: nothing happens
    assert not window.guard.locked
    [desk] = [u for u in auth.list_users(db, owner) if u.username == "desk"]
    auth.deactivate_user(db, owner, desk.id)
    with opens(qtbot, LoginDialog, window) as opened:
        window.guard.check_login()  # what the timer does every half minute
    qtbot.addWidget(opened.widget)
    assert window.guard.locked
    assert not window.centralWidget().isVisible()

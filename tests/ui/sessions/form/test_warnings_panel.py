"""The Checks panel (warnings_panel.py): errors, stops and warnings in words and colours, the reason and override
boxes, who may override."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.ui.common.current_user import sign_in
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.ui.session_form_helpers import act_as, checked, open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def _isotretinoin(db: Database, owner: Actor, clinic: Clinic) -> None:
    clients.add_finding(db, owner, clinic.client_id, "isotretinoin", date.today() - timedelta(days=60),
                        ends_on=date.today() - timedelta(days=30))


def test_a_stop_is_red_and_named_and_a_nurse_cannot_sign_over_it_with_any_reason(
        qtbot: QtBot, db: Database, owner: Actor, clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    _isotretinoin(db, owner, clinic)
    act_as(monkeypatch, clinic.nurse)
    form = open_form(qtbot, db, clinic)
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

    sign_in(clinic.derm)
    view = SessionDetailDialog(get_session(db, draft_id), db=db)
    qtbot.addWidget(view)
    view.show()
    assert view.override_button.isVisible() and not view.sign_button.isVisible()  # not her session to sign
    monkeypatch.setattr(view, "ask_reason", lambda title, text, action: "course ended early; low dose; reviewed")
    view.override()
    assert "overridden by mbrandt" in view.value_text("Overrides")

    sign_in(clinic.nurse)
    assert form.sign()  # the same content as overridden: it signs
    [stop_row] = get_session(db, draft_id).warnings
    assert (stop_row.level, stop_row.overridden_by) == ("stop", "mbrandt")


def test_a_physician_overrides_a_stop_in_the_form_with_a_reason_of_a_few_words(
        qtbot: QtBot, db: Database, owner: Actor, clinic: Clinic) -> None:
    _isotretinoin(db, owner, clinic)
    form = open_form(qtbot, db, clinic)
    form.toggle_area("forehead")
    checked(qtbot, form, lambda: form.panel.override.isVisible())
    form.panel.override.setPlainText("ok")
    assert not form.sign()
    assert "at least 3 words" in form.panel.status.text() and form.panel.override.hasFocus()
    form.panel.override.setPlainText("course ended early, reviewed the letter")
    with qtbot.waitSignal(form.signed):
        assert form.sign()

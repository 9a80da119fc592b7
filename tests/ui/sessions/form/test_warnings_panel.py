"""The Checks panel (warnings_panel.py): errors, stops and warnings in words and colours, the reason and override
boxes, who may override."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Level
from clinic_log.domain.values import Problem
from clinic_log.services.clients import clients
from clinic_log.services.devices.devices import device_records, set_in_service
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.ui.common.operations import database_worker
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.warnings_panel import WarningsPanel
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.ui.session_form_helpers import checked, open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


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
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))  # no device, no lot: a warning of its own
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


DEPTH = Problem(Level.WARNING, "depth_area", "areas[1].depth_mm", "Forehead 1.0 mm is outside the usual 0.25–0.5 mm")
LOT = Problem(Level.ERROR, "lot_expired", "cartridge_lot", "lot OLD-7 expired 2025-12-31")
AREAS = Problem(Level.ERROR, "no_areas", "areas", "at least one treated area is required")
STOP = Problem(Level.STOP, "contraindication", "client", "Isotretinoin in the last 6 months")


@pytest.fixture
def panel(qtbot: QtBot) -> WarningsPanel:
    widget = WarningsPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_errors_come_first_then_stops_then_warnings_each_in_words_with_its_field(panel: WarningsPanel) -> None:
    panel.show_problems([DEPTH, STOP, LOT, AREAS])
    assert panel.messages() == ["Error: lot OLD-7 expired 2025-12-31", "Error: at least one treated area is required",
                                "STOP: Isotretinoin in the last 6 months",
                                "Warning: Forehead 1.0 mm is outside the usual 0.25–0.5 mm"]
    tips = [panel.list.item(n).toolTip() for n in range(panel.list.count())]
    assert tips[0] == "Cartridge lot: lot OLD-7 expired 2025-12-31"
    assert tips[3].startswith("Areas: Forehead 1.0 mm")  # areas[1].depth_mm is named by its section
    assert panel.summary.text() == ("2 errors (must be fixed before signing); 1 stop (a physician or the owner must "
                                    "override); 1 warning (type a reason to go ahead).")


def test_the_reason_is_marked_required_only_while_there_is_a_warning(panel: WarningsPanel) -> None:
    panel.show_problems([LOT])
    assert panel.reason_label.text() == "&Reason for saving with warnings"
    panel.show_problems([DEPTH])
    assert panel.reason_label.text() == "&Reason for saving with warnings (required)"
    panel.show_problems([])
    assert panel.summary.text() == "No problems found: ready to sign." and panel.messages() == []
    assert not panel.reason_label.text().endswith("(required)")


def test_the_override_box_shows_only_for_a_stop_and_a_user_who_may_override(panel: WarningsPanel) -> None:
    panel.set_may_override(True)
    panel.show_problems([DEPTH])
    assert not panel.override.isVisible() and not panel.stop_note.isVisible()
    panel.show_problems([STOP])
    assert panel.override.isVisible() and "at least 3 words" in panel.stop_note.text()
    panel.set_may_override(False)
    assert not panel.override.isVisible() and panel.stop_note.isVisible()
    assert panel.override_label.text() == "Stop: a physician or the owner must override it"


def test_a_check_that_could_not_run_is_said_and_leaves_no_old_problems_behind(panel: WarningsPanel) -> None:
    panel.show_problems([DEPTH, STOP])
    panel.show_failure("device SPP-1 is out of service")
    assert panel.messages() == ["Error: device SPP-1 is out of service"]
    assert panel.summary.text() == "The session cannot be checked as it is."
    assert panel.problems == ()


def test_a_device_retired_on_another_workstation_is_named_at_every_check_of_the_open_form(
        qtbot: QtBot, user: UserSession, db: Database, owner: Actor, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))
    form.toggle_area("forehead")
    checked(qtbot, form, lambda: form.assessment is not None)
    [device] = [d for d in device_records(db, owner) if d.id == clinic.device_id]
    set_in_service(db, owner, device.id, False, device.version)  # the owner, elsewhere, while the form is open
    retired = "Error: device: 'SPP-1' is not allowed; a device that is in service"
    checked(qtbot, form)
    assert form.panel.messages() == [retired] and form.assessment is None
    assert form.panel.summary.text() == "The session cannot be checked as it is."
    assert not form.sign_button.isEnabled()  # Sign does not stay enabled from the check before
    form.notes.setPlainText("client asked about downtime")  # another edit: checked again, the same answer
    checked(qtbot, form)
    assert form.panel.messages() == [retired] and form.assessment is None


def test_a_check_still_running_when_the_practitioner_is_cleared_never_replaces_what_the_form_says(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    """The practitioner cleared while a check of the form as it was is still running: its answer (and a Sign
    enabled by it) must not come back over "choose who performs the session"."""
    from clinic_log.ui.sessions.form import session_form_controller

    form = open_form(qtbot, db, user, clinic)
    form.device.setCurrentIndex(form.device.findData(clinic.device_id))
    form.toggle_area("forehead")
    checked(qtbot, form, lambda: form.assessment is not None)
    release = threading.Event()
    started = threading.Event()
    real_assess = session_form_controller.assess

    def slow_assess(*args: Any) -> Any:
        started.set()
        release.wait(10)
        return real_assess(*args)

    monkeypatch.setattr(session_form_controller, "assess", slow_assess)
    form.check_now()  # the form as it is: a check that would pass, held on the worker
    qtbot.waitUntil(started.is_set)
    form.practitioner.setCurrentIndex(form.practitioner.findData(None))
    form.check_now()
    choose = "Error: Practitioner: choose who performs the session"
    assert form.panel.messages() == [choose] and not form.sign_button.isEnabled()
    release.set()
    assert database_worker().waitForDone(10_000)  # the held check has run on the app's worker …
    QApplication.processEvents()  # … and its answer, had it been delivered, would have reached the form now
    assert form.panel.messages() == [choose] and not form.sign_button.isEnabled()
    assert form.assessment is None

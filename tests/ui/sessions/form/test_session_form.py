"""The chairside session form: keyboard-only logging, live warnings and errors, reasons, drafts, signing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.people import people
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.services.sessions.session_form_state import AreaRowState
from clinic_log.services.sessions.session_queries import count_sessions, get_session
from clinic_log.services.sessions.sessions import log_session
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import SessionFormDialog, form_key
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from tests.ui.dialogs import opens
from tests.ui.session_form_helpers import Keyboard, checked, fill_everything, open_form, second_client, stored
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import LOT_EXPIRES, Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside



def newest_session_id(db_path: Path) -> int:
    return int(stored(db_path, "SELECT max(id) FROM sessions")[0][0])


def test_complete_session_logged_keyboard_only_is_stored(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                         clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    keys = Keyboard(qtbot)
    assert keys.focus() is form.picker.filter_edit  # the form opens ready for the first area
    keys.type("fo")
    keys.press(Qt.Key.Key_Return)
    keys.type("ch")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab, times=2)  # the area list, then the forehead's depth
    assert keys.focus() is form.area_rows.rows[0].depth
    keys.press(Qt.Key.Key_Down)  # 0.40 → 0.35 mm
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Up)  # 2 passes
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Down)  # technique: stamping
    # endpoint, indication, remove (no tips for the SkinPen, RF energy disabled: both skipped), cheeks depth
    keys.press(Qt.Key.Key_Tab, times=4)
    assert keys.focus() is form.area_rows.rows[1].depth
    keys.press(Qt.Key.Key_Up, times=2)  # 0.75 → 0.85 mm
    keys.press(Qt.Key.Key_Tab, times=6)  # passes, technique, endpoint, indication, remove, numbing cream
    assert keys.focus() is form.products.numbing
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Up)  # contact 35 min (5-minute steps)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Alt+N: the notes
    assert keys.focus() is form.notes
    keys.type("Tolerated well")
    keys.press(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Alt+C: add a complication (grade 1)
    qtbot.waitUntil(lambda: bool(form.complications.rows))  # a mnemonic "animates" the button's click
    assert keys.focus() is form.complications.rows[0].kind
    keys.type("e")  # its type: erythema
    with qtbot.waitSignal(form.signed) as signed:
        keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    session_id = signed.args[0]
    assert stored(db_path, "SELECT status, signed_by, practitioner_id, device_id, notes FROM sessions WHERE id = ?",
                  session_id) == [("signed", "mbrandt", clinic.derm_id, clinic.device_id, "Tolerated well")]
    assert stored(db_path, "SELECT area_code, depth_mm, passes, technique FROM session_areas WHERE session_id = ? "
                  "ORDER BY id", session_id) == [("forehead", 0.35, 2, "stamping"), ("cheeks", 0.85, 1, None)]
    assert stored(db_path, "SELECT name, contact_minutes FROM session_products WHERE session_id = ?",
                  session_id) == [("Numbing cream", 35)]
    assert stored(db_path, "SELECT code, grade, expected FROM complications WHERE session_id = ?",
                  session_id) == [("erythema", 1, 1)]
    assert stored(db_path, "SELECT l.lot_number FROM sessions s JOIN cartridge_lots l ON l.id = s.cartridge_lot_id "
                  "WHERE s.id = ?", session_id) == [("SP14-1",)]
    assert load_form_draft(db, clinic.derm, form_key(clinic.client_id)) is None  # signed: nothing left unsaved


def test_typical_three_area_session_takes_at_most_25_key_presses(qtbot: QtBot, user: UserSession, db: Database,
                                                                 db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    keys = Keyboard(qtbot)
    for start in ("fo", "ch", "ne"):
        keys.type(start)
        keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Tab, times=2)
    keys.press(Qt.Key.Key_Up)  # forehead a little deeper
    with qtbot.waitSignal(form.signed) as signed:
        keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert keys.presses <= 25, keys.presses
    assert stored(db_path, "SELECT area_code, depth_mm FROM session_areas WHERE session_id = ? ORDER BY id",
                  signed.args[0]) == [("forehead", 0.45), ("cheeks", 0.75), ("neck", 0.75)]


def test_form_is_prefilled_with_practitioner_last_device_lot_and_course(qtbot: QtBot, user: UserSession, db: Database,
                                                                        clinic: Clinic) -> None:
    log_session(db, clinic.derm, session_entry(clinic, course_index=1, course_total=4), sign=True)
    form = open_form(qtbot, db, user, clinic)
    assert form.practitioner.currentData() == clinic.derm_id
    assert form.device.currentData() == clinic.device_id
    assert form.lot.text() == "SP14-1" and form.lot_expires.value() == LOT_EXPIRES
    assert (form.course_index.value(), form.course_total.value()) == (2, 4)
    assert "next session suggested" in form.next_session.text()


@dataclass(frozen=True)
class Case:
    code: str
    text: str  # what the panel must show
    prepare: Callable[[Database, Actor, Clinic], int]  # returns the client to open the form for
    fill: Callable[[SessionFormDialog, Clinic], None]


def _depth(code: str, mm: float) -> Callable[[SessionFormDialog, Clinic], None]:
    def fill(form: SessionFormDialog, clinic: Clinic) -> None:
        form.toggle_area(code)
        form.area_rows.rows[-1].depth.setText(f"{mm:g}")
    return fill


def _as_nurse(depth_mm: float, supervised: bool) -> Callable[[SessionFormDialog, Clinic], None]:
    def fill(form: SessionFormDialog, clinic: Clinic) -> None:
        form.practitioner.setCurrentIndex(form.practitioner.findData(clinic.nurse_id))
        if supervised:
            form.supervisor.setCurrentIndex(form.supervisor.findData(clinic.derm_id))
        form.device.setCurrentIndex(form.device.findData(clinic.device_id))
        _depth("cheeks", depth_mm)(form, clinic)
    return fill


def _new_practitioner(licence_expires: date | None) -> Callable[[SessionFormDialog, Clinic], None]:
    def fill(form: SessionFormDialog, clinic: Clinic) -> None:
        form.practitioner.setCurrentIndex(form.practitioner.findText("Eve Park", Qt.MatchFlag.MatchStartsWith))
        form.device.setCurrentIndex(form.device.findData(clinic.device_id))
        _depth("forehead", 0.4)(form, clinic)
    return fill


def _with_practitioner(licence_expires: date | None) -> Callable[[Database, Actor, Clinic], int]:
    def prepare(db: Database, owner: Actor, clinic: Clinic) -> int:
        people.create_practitioner(db, owner, people.PractitionerDetails(
            "epark", "Eve Park", "dermatologist", False, None, "GMC-9" if licence_expires else None,
            licence_expires))
        return clinic.client_id
    return prepare


def _lot(number: str, expires: date) -> Callable[[SessionFormDialog, Clinic], None]:
    def fill(form: SessionFormDialog, clinic: Clinic) -> None:
        _depth("forehead", 0.4)(form, clinic)
        form.lot.setText(number)
        form.lot_expires.set_value(expires)
    return fill


def _same(db: Database, owner: Actor, clinic: Clinic) -> int:
    return clinic.client_id


def _eczema(db: Database, owner: Actor, clinic: Clinic) -> int:
    clients.add_finding(db, owner, clinic.client_id, "eczema", date(2026, 1, 5))
    return clinic.client_id


CASES = [
    Case("depth_area", "Warning: Forehead 1.0 mm is outside the usual 0.25–0.5 mm", _same, _depth("forehead", 1.0)),
    Case("depth_cap", "Warning: Cheeks 2.0 mm is over Jane Doyle's cap of 1.5 mm", _same, _as_nurse(2.0, True)),
    Case("supervisor_missing", "Warning: Jane Doyle (nurse) needs a supervising physician recorded on the session",
         _same, _as_nurse(0.75, False)),
    Case("pih_risk", "Warning: Fitzpatrick V with 1.5 mm: higher risk of hyperpigmentation (PIH)",
         lambda db, owner, clinic: second_client(db, owner, fitzpatrick=5), _depth("cheeks", 1.5)),
    Case("contraindication", "Warning: Eczema", _eczema, _depth("forehead", 0.4)),
    Case("credential_expired", "STOP: Eve Park's licence GMC-9 expired 2025-03-01",
         _with_practitioner(date(2025, 3, 1)), _new_practitioner(date(2025, 3, 1))),
    Case("credential_missing", "Warning: Eve Park has no licence or certificate on record",
         _with_practitioner(None), _new_practitioner(None)),
    Case("consent_expired", "Warning: consent signed 2024-01-02 has expired (valid 12m)",
         lambda db, owner, clinic: second_client(db, owner, consent=date(2024, 1, 2)), _depth("forehead", 0.4)),
    Case("consent_missing", "Warning: P-2 has no signed consent on record",
         lambda db, owner, clinic: second_client(db, owner, consent=None), _depth("forehead", 0.4)),
    Case("depth_device", "Error: Periorbital (around the eyes) 0.1 mm is outside the SkinPen Precision's range "
         "0.25–2.5 mm", _same, _depth("periorbital", 0.1)),
    Case("lot_expired", "Error: lot OLD-7 expired 2025-12-31; use an unexpired cartridge", _same,
         _lot("OLD-7", date(2025, 12, 31))),
    Case("no_areas", "Error: at least one treated area is required", _same, lambda form, clinic: None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_each_warning_and_error_is_shown_with_its_message(qtbot: QtBot, user: UserSession, db: Database, owner: Actor,
                                                          clinic: Clinic, case: Case) -> None:
    client_id = case.prepare(db, owner, clinic)
    form = open_form(qtbot, db, user, Clinic(**{**clinic.__dict__, "client_id": client_id}))
    case.fill(form, clinic)
    checked(qtbot, form, lambda: any(m.startswith(case.text) for m in form.panel.messages()))
    if case.text.startswith("Error"):
        assert not form.sign_button.isEnabled()
        assert "must be fixed before signing" in form.panel.summary.text()


def test_errors_block_signing_and_nothing_is_stored(qtbot: QtBot, user: UserSession, db: Database,
                                                    clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _lot("OLD-7", date(2025, 12, 31))(form, clinic)
    before = count_sessions(db)
    assert not form.sign()
    assert count_sessions(db) == before
    assert "Not signed: fix the errors first — lot OLD-7 expired 2025-12-31" in form.panel.status.text()
    assert form.isVisible() and form.lot.text() == "OLD-7"


def test_warnings_need_a_typed_reason_which_is_stored(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                       clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    _depth("forehead", 1.0)(form, clinic)
    checked(qtbot, form, lambda: "reason" in form.panel.summary.text())
    assert "(required)" in form.panel.reason_label.text()
    before = count_sessions(db)
    assert not form.sign()
    assert count_sessions(db) == before
    assert "type a reason" in form.panel.status.text() and form.panel.reason.hasFocus()
    form.panel.reason.setPlainText("thick skin, test patch tolerated")
    with qtbot.waitSignal(form.signed) as signed:
        form.sign()
    assert stored(db_path, "SELECT code, reason FROM session_warnings WHERE session_id = ?", signed.args[0]) == [
        ("depth_area", "thick skin, test patch tolerated")]
    assert stored(db_path, "SELECT warnings_reason FROM sessions WHERE id = ?", signed.args[0]) == [
        ("thick skin, test patch tolerated",)]


def test_everything_typed_survives_closing_and_reopening_the_form(qtbot: QtBot, user: UserSession, db: Database,
                                                                 clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    fill_everything(form, clinic)
    typed = form.state()
    form.close()  # no save pressed: the autosave keeps it
    again = open_form(qtbot, db, user, clinic)
    assert again.state() == typed
    assert again.area_rows.codes() == ["forehead", "cheeks"] and again.face_map.chosen == {"forehead", "cheeks"}
    assert "Restored what you typed" in again.panel.status.text()


def test_saved_draft_is_signed_later_and_opens_read_only(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                         clinic: Clinic) -> None:
    window = make_window(qtbot, db, user, db_path)
    form = window.new_session(clinic.client_id)
    assert isinstance(form, SessionFormDialog)
    form.toggle_area("neck")
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.draft_saved) as saved:
        qtbot.keyClick(form.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    draft_id = saved.args[0]
    assert stored(db_path, "SELECT status FROM sessions WHERE id = ?", draft_id) == [("draft",)]
    assert "Saved as draft session" in form.panel.status.text()
    form.area_rows.rows[0].passes.setText("4")
    with opens(qtbot, SessionDetailDialog, window) as new:
        form.sign()
    dialog = new.widget
    assert dialog.detail.id == draft_id and dialog.detail.status == "signed"
    assert not dialog.findChildren(QLineEdit) and not dialog.findChildren(QAbstractSpinBox)  # read-only
    assert [(a.area_code, a.passes) for a in get_session(db, draft_id).areas] == [("neck", 4)]


def test_signed_session_cannot_be_changed_from_the_form(qtbot: QtBot, user: UserSession, db: Database, db_path: Path,
                                                        clinic: Clinic) -> None:
    signed_id = newest_session_id(db_path)
    form = open_form(qtbot, db, user, clinic)
    state = form.state()
    form.restore(replace(state, session_id=signed_id, areas=(AreaRowState("nose", "0.3"),)))
    assert not form.save_draft_now()
    assert f"session {signed_id} is signed: it cannot be changed, only amended" in form.panel.status.text()
    assert [a.area_code for a in get_session(db, signed_id).areas] == ["forehead", "cheeks"]


def test_supervisor_is_required_and_only_physicians_are_offered_for_a_nurse(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.practitioner.setCurrentIndex(form.practitioner.findData(clinic.nurse_id))
    offered = [form.supervisor.itemData(n) for n in range(form.supervisor.count())]
    assert offered == [None, clinic.derm_id]
    assert form.supervisor.itemText(0) == "Choose… (required)"
    assert "required" in form.supervisor_hint.text()


def test_every_input_is_named_like_its_label_and_tab_follows_the_form(qtbot: QtBot, user: UserSession, db: Database,
                                                                     clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.complications.add()
    inputs: list[QWidget] = [w for kind in (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QCheckBox,
                                            QAbstractButton) for w in form.findChildren(kind)
                             if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                             and not (isinstance(w.parent(), QComboBox | QAbstractSpinBox))]
    unnamed = [w for w in inputs if not w.accessibleName()]
    assert not unnamed, [type(w).__name__ for w in unnamed]
    for label in form.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            assert buddy.accessibleName() == label.text().replace("&", "").removesuffix(" (required)")
    form.started.setFocus()
    keys = Keyboard(qtbot)
    order = [keys.focus()]
    for _ in range(10):
        keys.press(Qt.Key.Key_Tab)
        order.append(keys.focus())
    # The prefilled lot is on record with its expiry, which is shown but not typed over: Tab passes it by.
    assert [w.accessibleName() for w in order] == [
        "Date/time", "Practitioner", "Supervisor", "Supervisor presence", "Device", "Cartridge lot",
        "Add area", "Areas", "Forehead depth (mm)", "Forehead passes", "Forehead technique"]
    assert "Ctrl+Enter" in form.sign_button.toolTip() and "Ctrl+S" in form.save_button.toolTip()


def test_new_session_on_a_client_page_opens_the_form_for_that_client(qtbot: QtBot, user: UserSession, db: Database,
                                                                     db_path: Path, clinic: Clinic) -> None:
    window = make_window(qtbot, db, user, db_path)
    clients_page = window.pages.show_page("clients")
    client_page = clients_page.open_client(clinic.client_id)  # type: ignore[attr-defined]
    qtbot.mouseClick(client_page.new_session_button, Qt.MouseButton.LeftButton)
    forms = [w for w in window.findChildren(SessionFormDialog) if w.isVisible()]
    assert [f.client.id for f in forms] == [clinic.client_id]


@pytest.mark.parametrize(("index", "total", "said"), [
    ("13", "4", "session number 13 is not allowed; 1 to 12"),   # a spin box clamped this to 12 without a word
    ("5", "4", "session 5 of 4"),
    ("2.5", "4", "2.5"),
])
def test_a_course_position_is_kept_as_typed_and_refused_in_checks(qtbot: QtBot, user: UserSession, db: Database,
                                                                  clinic: Clinic, index: str, total: str,
                                                                  said: str) -> None:
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("forehead")
    form.area_rows.rows[0].depth.setText("0.5")
    form.course_index.setText(index)
    form.course_total.setText(total)
    form.check_now()
    qtbot.waitUntil(lambda: form.assessment is not None)
    qtbot.waitUntil(lambda: any(said in p.message for p in form.panel.problems))
    assert (form.course_index.text(), form.course_total.text()) == (index, total)
    assert not form.sign_button.isEnabled()


def test_saving_and_signing_refresh_the_sessions_tab_and_the_client_page(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:
    from clinic_log.ui.clients.clients_page import ClientsPage
    from clinic_log.ui.sessions.history_page import SessionHistoryPage

    history = SessionHistoryPage(db)
    qtbot.addWidget(history)
    clients_page = ClientsPage(db, user)
    qtbot.addWidget(clients_page)
    history.show()
    clients_page.show()
    clients_page.open_client(clinic.client_id)
    shown = clients_page.client_page.record
    before = history.model.rowCount()
    form = open_form(qtbot, db, user, clinic)
    form.toggle_area("neck")
    assert form.save_draft_now()
    assert history.model.rowCount() == before + 1  # the draft is listed
    assert clients_page.client_page.record is not shown  # read again
    shown = clients_page.client_page.record
    assert form.sign()
    assert history.model.rowCount() == before + 1
    assert clients_page.client_page.record is not shown

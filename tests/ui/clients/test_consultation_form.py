"""The consultation form, shown on a client's page as a user sees it: skin type, history lines and
contraindication findings saved at once (the suitability panel follows), refusals said without storing anything,
clearance for physicians only, half-typed lines kept per client and per user, and its Pre-treatment sheet… button
(for the client it shows; reception too)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from types import SimpleNamespace

from PySide6.QtCore import QDate, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QListWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import AppliesTo, Severity, UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_record import ContraindicationKind, FindingLine
from clinic_log.services.people.people import PractitionerDetails, create_practitioner
from clinic_log.services.sessions.facts import finding_facts_of
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.ui.clients.aftercare_preview import PretreatmentPreviewDialog
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.clients.consultation_form import finding_text, kind_choice
from clinic_log.ui.common.user_session import UserSession
from tests.ui.clients.client_pages import TODAY
from tests.ui.named_widgets import button, edit, named, type_text

ISOTRETINOIN = ContraindicationKind("isotretinoin", "Isotretinoin", Severity.ABSOLUTE, "6m")


def show(page: ClientPage, client_id: int) -> ClientPage:
    page.show_client(client_id)
    return page


def combo(page: ClientPage, name: str) -> QComboBox:
    widget = named(page, name)
    assert isinstance(widget, QComboBox)
    return widget


def date_field(page: ClientPage, name: str) -> QDateEdit:
    widget = named(page, name)
    assert isinstance(widget, QDateEdit)
    return widget


def listed(page: ClientPage, name: str) -> QListWidget:
    widget = named(page, name)
    assert isinstance(widget, QListWidget)
    return widget


def test_consultation_form_saves_skin_type_history_and_findings(
        page: ClientPage, people: dict[str, int], raw: sqlite3.Connection) -> None:
    client_page = show(page, people["P-1"])
    combo = named(client_page, "Fitzpatrick skin type")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(5)
    combo.activated.emit(5)
    assert raw.execute("SELECT fitzpatrick FROM clients WHERE client_ref = 'P-1'").fetchone() == (5,)
    assert combo.currentText().startswith("V — dark brown skin")
    type_text(edit(client_page, "New medication"), "Isotretinoïn 20 mg")
    QTest.keyClick(edit(client_page, "New medication"), Qt.Key.Key_Return)
    type_text(edit(client_page, "New desired outcome"), "Smoother scars on the cheeks")
    button(client_page, "Add desired outcome").click()
    assert raw.execute("SELECT kind, text FROM medical_history ORDER BY id").fetchall() == [
        ("medication", "Isotretinoïn 20 mg"), ("outcome", "Smoother scars on the cheeks")]

    kinds = named(client_page, "Contraindication")
    assert isinstance(kinds, QComboBox)
    kinds.setCurrentIndex(kinds.findData("isotretinoin"))
    stopped = named(client_page, "Stopped / done on")
    assert stopped.isEnabled()
    assert isinstance(stopped, QCheckBox)
    stopped.setChecked(True)
    for name, day in (("Stopped / done date", QDate(2026, 8, 1)), ("Noted on", QDate(2026, 1, 5))):
        field = named(client_page, name)
        assert isinstance(field, QDateEdit)
        field.setDate(day)
    button(client_page, "Add contraindication").click()
    assert raw.execute("SELECT code, noted_on, ends_on FROM findings").fetchall() == [
        ("isotretinoin", "2026-01-05", "2026-08-01")]
    assert client_page.suitability.verdict_text == "Not suitable today"
    assert client_page.suitability.reason_lines == [
        "Isotretinoin stopped 2026-08-01 — 6-month window ends 2027-02-01",
        "Fitzpatrick V — PIH risk above 1.0 mm or with RF"]

    kinds.setCurrentIndex(kinds.findData("eczema"))
    assert not named(client_page, "Stopped / done on").isEnabled()  # not time-bound


def test_only_a_physician_sees_clear_and_the_clearance_is_recorded(page: ClientPage, people: dict[str, int],
                                                                   db: Database, owner: Actor, raw: sqlite3.Connection,
                                                                   user: UserSession) -> None:
    clients.add_finding(db, owner, people["P-3"], "keloid_history", date(2020, 1, 1))
    client_page = show(page, people["P-3"])
    findings = named(client_page, "Contraindications on record")
    assert isinstance(findings, QListWidget)
    findings.setCurrentRow(0)
    assert not button(client_page, "Clear contraindication").isEnabled()  # the owner is no physician
    derm = create_practitioner(db, owner, PractitionerDetails("mb", "Dr Maria Brandt", "dermatologist", False, 3.0))
    user.sign_in(Actor("mb", UserRole.PRACTITIONER, derm.id))
    client_page = show(page, people["P-3"])
    assert client_page.suitability.verdict_text == "Suitable with cautions"
    findings.setCurrentRow(0)
    type_text(edit(client_page, "Clearance note"), "Test patch healed flat")
    button(client_page, "Clear contraindication").click()
    assert raw.execute("SELECT cleared_by, clearance_note FROM findings").fetchone() == (
        "mb", "Test patch healed flat")
    assert client_page.suitability.reason_lines == [
        "History of keloid or hypertrophic scarring — cleared by mb: Test patch healed flat"]


def test_a_line_typed_for_one_client_stays_with_that_client(qtbot: QtBot, page: ClientPage,
                                                             people: dict[str, int], db: Database,
                                                             raw: sqlite3.Connection) -> None:
    zofia = show(page, people["P-1"])
    type_text(edit(zofia, "New medication"), "Isotretinoïn 20 mg")
    type_text(edit(zofia, "Finding note"), "stopped in May")
    show(page, people["P-3"])  # the same page now shows Şükrü: nothing typed for Zófia is offered here
    assert edit(zofia, "New medication").text() == "" and edit(zofia, "Finding note").text() == ""
    QTest.keyClick(edit(zofia, "New medication"), Qt.Key.Key_Return)
    assert raw.execute("SELECT COUNT(*) FROM medical_history").fetchone() == (0,)

    show(page, people["P-1"])  # back to Zófia: her half-typed lines are there again
    assert edit(zofia, "New medication").text() == "Isotretinoïn 20 mg"
    assert edit(zofia, "Finding note").text() == "stopped in May"
    assert named(zofia, "Note").text().startswith("Restored what you typed at ")
    QTest.keyClick(edit(zofia, "New medication"), Qt.Key.Key_Return)
    assert raw.execute("SELECT client_id, text FROM medical_history").fetchall() == [
        (people["P-1"], "Isotretinoïn 20 mg")]
    assert not named(zofia, "Note").isVisible()


def test_a_line_typed_before_a_crash_comes_back_and_goes_once_added(qtbot: QtBot, user: UserSession, db: Database,
                                                                    owner: Actor, people: dict[str, int]) -> None:
    first = ClientPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(first)
    typing = show(first, people["P-2"])
    type_text(edit(typing, "New allergy"), "花粉")
    key = f"consultation:{people['P-2']}"
    qtbot.waitUntil(lambda: load_form_draft(db, owner, key) is not None, timeout=5000)
    first.hide()  # the app dies here: nothing more is written

    again = ClientPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(again)
    restored = show(again, people["P-2"])
    assert edit(restored, "New allergy").text() == "花粉"
    button(restored, "Add allergy").click()
    qtbot.waitUntil(lambda: load_form_draft(db, owner, key) is None, timeout=5000)  # added: nothing to offer


def test_another_user_does_not_see_the_lines_the_previous_one_typed(qtbot: QtBot, user: UserSession, page: ClientPage,
                                                                     people: dict[str, int], db: Database,
                                                                     owner: Actor) -> None:
    derm = Actor("mbrandt", UserRole.PRACTITIONER, create_practitioner(db, owner, PractitionerDetails(
        "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0)).id)
    client_page = show(page, people["P-1"])
    type_text(edit(client_page, "New condition"), "Rosacea (owner's note)")
    user.sign_in(derm)
    assert edit(client_page, "New condition").text() == ""
    user.sign_in(owner)
    assert edit(client_page, "New condition").text() == "Rosacea (owner's note)"


def test_a_contraindication_choice_names_its_severity_treatment_and_window() -> None:
    pacemaker = ContraindicationKind("pacemaker", "Pacemaker", Severity.ABSOLUTE, None, AppliesTo.RF)
    assert kind_choice(ISOTRETINOIN) == "Isotretinoin (absolute, 6-month window)"
    assert kind_choice(pacemaker) == "Pacemaker (absolute for RF)"


def finding_line(line_id: int, kind: ContraindicationKind, noted_on: date, ends_on: date | None, note: str | None,
                 cleared_by: str | None, cleared_at: datetime | None, clearance_note: str | None) -> FindingLine:
    """A line as the client record builds it, its rule facts from the one builder."""
    row = SimpleNamespace(code=kind.code, label=kind.label, severity=kind.severity.value, noted_on=noted_on,
                          ends_on=ends_on, window=kind.window, cleared_by=cleared_by, clearance_note=clearance_note,
                          modality=kind.modality.value)
    return FindingLine(line_id, kind, noted_on, ends_on, note, cleared_by, cleared_at, clearance_note,
                       finding_facts_of(row))


def test_a_finding_line_says_ongoing_stopped_or_ended_and_who_cleared_it() -> None:
    keloid = ContraindicationKind("keloid_history", "History of keloid", Severity.RELATIVE, None)
    ongoing = finding_line(1, ISOTRETINOIN, date(2026, 1, 5), None, None, None, None, None)
    stopped = finding_line(2, ISOTRETINOIN, date(2026, 1, 5), date(2026, 8, 1), "20 mg", None, None, None)
    cleared = finding_line(3, keloid, date(2020, 1, 1), date(2021, 1, 1), None, "mb",
                           datetime(2026, 3, 2, 12, tzinfo=UTC), "Test patch healed flat")
    assert finding_text(ongoing) == "Isotretinoin (absolute): noted 2026-01-05, ongoing"
    assert finding_text(stopped) == "Isotretinoin (absolute): noted 2026-01-05, stopped/done 2026-08-01, 20 mg"
    assert finding_text(cleared) == ("History of keloid (relative): noted 2020-01-01, ended 2021-01-01\n"
                                     "    cleared by mb on 2026-03-02: Test patch healed flat")


def test_a_stop_date_before_the_noted_date_is_refused_with_its_reason_and_nothing_is_stored(
        page: ClientPage, people: dict[str, int], raw: sqlite3.Connection) -> None:
    show(page, people["P-1"])
    kinds = combo(page, "Contraindication")
    kinds.setCurrentIndex(kinds.findData("isotretinoin"))
    stopped = named(page, "Stopped / done on")
    assert isinstance(stopped, QCheckBox)
    stopped.setChecked(True)
    date_field(page, "Noted on").setDate(QDate(2026, 8, 1))
    date_field(page, "Stopped / done date").setDate(QDate(2026, 7, 1))
    type_text(edit(page, "Finding note"), "20 mg daily")
    button(page, "Add contraindication").click()
    assert page.problem_label.text() == "ends_on: '2026-07-01' is not allowed; a date on or after 2026-08-01"
    assert raw.execute("SELECT COUNT(*) FROM findings").fetchone() == (0,)
    assert edit(page, "Finding note").text() == "20 mg daily"  # kept to add once the dates are right


def test_an_empty_history_line_adds_nothing_and_says_what_is_missing(page: ClientPage, people: dict[str, int],
                                                                    raw: sqlite3.Connection) -> None:
    show(page, people["P-1"])
    type_text(edit(page, "New allergy"), "   ")
    button(page, "Add allergy").click()
    assert page.problem_label.text().startswith("allergy: ")
    assert page.problem_label.text().endswith("is not allowed; a few words describing it")
    assert raw.execute("SELECT COUNT(*) FROM medical_history").fetchone() == (0,)


def test_a_selected_history_line_or_finding_is_removed_and_a_finding_gets_its_stop_date(
        page: ClientPage, people: dict[str, int], db: Database, owner: Actor, raw: sqlite3.Connection) -> None:
    client_id = people["P-1"]
    clients.add_history(db, owner, client_id, "medication", "Doxycycline 100 mg", date(2026, 8, 1))
    clients.add_finding(db, owner, client_id, "isotretinoin", date(2026, 1, 5))
    show(page, client_id)
    assert not button(page, "Remove medication").isEnabled()  # nothing selected yet
    listed(page, "Current medications").setCurrentRow(0)
    button(page, "Remove medication").click()
    assert raw.execute("SELECT COUNT(*) FROM medical_history").fetchone() == (0,)
    assert listed(page, "Current medications").count() == 0

    findings = listed(page, "Contraindications on record")
    assert findings.item(0).text() == "Isotretinoin (absolute): noted 2026-01-05, ongoing"
    findings.setCurrentRow(0)
    date_field(page, "Stopped / done date").setDate(QDate(2026, 8, 1))
    button(page, "Set stopped / done date").click()
    assert raw.execute("SELECT ends_on FROM findings").fetchone() == ("2026-08-01",)
    assert findings.item(0).text() == "Isotretinoin (absolute): noted 2026-01-05, stopped/done 2026-08-01"
    assert page.suitability.reason_lines[0] == "Isotretinoin stopped 2026-08-01 — 6-month window ends 2027-02-01"
    findings.setCurrentRow(0)
    button(page, "Remove contraindication").click()
    assert raw.execute("SELECT COUNT(*) FROM findings").fetchone() == (0,)
    assert page.suitability.verdict_text == "Suitable"


def consultation_preview(qtbot: QtBot, page: ClientPage) -> PretreatmentPreviewDialog:
    form = page.consultation
    assert form.pretreatment_button.accessibleName() == form.pretreatment_button.text() == "Pre-treatment sheet…"
    assert form.pretreatment_button.isEnabled()
    qtbot.mouseClick(form.pretreatment_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in form.findChildren(PretreatmentPreviewDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready, timeout=15000)
    return dialog


def test_the_consultation_form_opens_the_sheet_of_the_client_it_shows(qtbot: QtBot, page: ClientPage,
                                                                      people: dict[str, int],
                                                                      raw: sqlite3.Connection) -> None:
    show(page, people["P-1"])
    show(page, people["P-3"])  # the form follows the page to another client
    dialog = consultation_preview(qtbot, page)
    assert dialog.client_id == people["P-3"] and dialog.windowTitle() == "Before treatment — Şükrü Öztürk"
    dialog.close()
    show(page, people["P-1"])
    dialog = consultation_preview(qtbot, page)
    assert dialog.client_id == people["P-1"] and dialog.windowTitle() == "Before treatment — Zófia Łukasiewicz"
    assert raw.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'client' AND action IN ('printed', 'saved')"
                       ).fetchone() == (0,)  # opening the preview records nothing


def test_reception_may_print_the_sheet_from_the_read_only_consultation(
        qtbot: QtBot, user: UserSession, page: ClientPage, people: dict[str, int]) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    show(page, people["P-1"])
    assert not page.consultation.add_finding_button.isEnabled()  # the consultation is read-only for reception
    assert consultation_preview(qtbot, page).client_id == people["P-1"]

"""The Clients tab driven like a user: search as you type (any script), new client with duplicate warning,
contact details, the consultation form, the suitability panel, physician clearance and role limits."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QListWidget, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.people.people import PractitionerDetails, create_practitioner
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.ui.clients.client_search_model import ClientSearchModel
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common.user_session import UserSession

TODAY = date(2026, 9, 1)


def named(root: QWidget, name: str) -> QWidget:
    found = [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def edit(root: QWidget, name: str) -> QLineEdit:
    widget = named(root, name)
    assert isinstance(widget, QLineEdit)
    return widget


def button(root: QWidget, name: str) -> QPushButton:
    widget = named(root, name)
    assert isinstance(widget, QPushButton)
    return widget


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, one key event per character (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


@pytest.fixture
def page(qtbot: QtBot, user: UserSession, db: Database) -> ClientsPage:
    widget = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def people(db: Database, owner: Actor) -> dict[str, int]:
    ids = {}
    for details in (ClientDetails("P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1), "+48 501 234 567"),
                    ClientDetails("P-2", "李", "娜", date(1992, 3, 3)),
                    ClientDetails("P-3", "Şükrü", "Öztürk", date(1985, 12, 24))):
        ids[details.client_ref] = clients.create_client(db, owner, details).id
    return ids


def shown_refs(page: ClientsPage) -> list[str]:
    return sorted(page.model.client_row(r).client_ref for r in range(page.model.rowCount()))


def test_search_model_is_a_valid_lazy_model(qtmodeltester: object, db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=30, sessions=0, seed=2)
    model = ClientSearchModel(db, page_size=7)
    assert model.rowCount() == 7 and model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 30 and len({model.client_id(r) for r in range(30)}) == 30
    checked = ClientSearchModel(db, page_size=7)
    qtmodeltester.check(checked)  # type: ignore[attr-defined]
    checked.set_query("zofia")
    qtmodeltester.check(checked)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("typed", "refs"), [("zofia", ["P-1"]), ("李", ["P-2"]), ("ŞÜKRÜ", ["P-3"]),
                                             ("501 234", ["P-1"]), ("1992-03-03", ["P-2"]), ("nobody", [])])
def test_search_shows_matches_as_you_type(people: dict[str, int], page: ClientsPage, typed: str,
                                          refs: list[str]) -> None:
    assert shown_refs(page) == ["P-1", "P-2", "P-3"]
    type_text(edit(page, "Search clients"), typed)
    assert shown_refs(page) == refs
    assert page.count_label.text() == ("No clients match" if not refs else "1 client")


def fill_new_client(dialog: QWidget, ref: str, first: str, last: str, born: str) -> None:
    type_text(edit(dialog, "Client ref"), ref)
    type_text(edit(dialog, "First name"), first)
    type_text(edit(dialog, "Last name"), last)
    type_text(edit(dialog, "Date of birth"), born)


@pytest.mark.parametrize(("first", "last"), [("Zófia", "Łukasiewicz"), ("李", "娜"), ("Şükrü", "Öztürk")])
def test_new_client_form_stores_names_in_any_script(page: ClientsPage, raw: sqlite3.Connection, first: str,
                                                    last: str) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "N-7", first, last, "1991-05-17")
    type_text(edit(dialog, "Phone"), "+48 600 100 200")
    button(dialog, "Create client").click()
    row = raw.execute("SELECT first_name, last_name, date_of_birth, phone FROM clients WHERE client_ref = 'N-7'")
    assert row.fetchone() == (first, last, "1991-05-17", "+48 600 100 200")
    assert page.stack.currentIndex() == 1
    assert page.client_page.name_label.text().startswith(f"{first} {last}")


def test_new_client_form_names_a_bad_date(page: ClientsPage, raw: sqlite3.Connection) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "N-8", "Ana", "Silva", "31.02.1990")
    button(dialog, "Create client").click()
    problem = named(dialog, "Problem")
    assert isinstance(problem, QLabel) and problem.text().startswith("date of birth: '31.02.1990' is not allowed")
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (0,)


def test_possible_duplicate_is_shown_with_a_link_and_created_once_confirmed(
        page: ClientsPage, people: dict[str, int], raw: sqlite3.Connection) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "P-9", "ZOFIA", "Lukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    warning = named(dialog, "Possible duplicate")
    assert isinstance(warning, QLabel) and warning.isVisible()
    assert "Possible duplicate" in warning.text() and "P-1 Zófia Łukasiewicz" in warning.text()
    assert raw.execute("SELECT COUNT(*) FROM clients").fetchone() == (3,)
    button(dialog, "Create anyway").click()
    assert raw.execute("SELECT COUNT(*) FROM clients WHERE client_ref = 'P-9'").fetchone() == (1,)


def test_new_client_details_typed_before_a_crash_come_back_and_go_once_created(
        qtbot: QtBot, page: ClientsPage, db: Database, raw: sqlite3.Connection) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "N-9", "Zófia", "Łukasiewicz", "1990-01-01")
    qtbot.waitUntil(lambda: raw.execute("SELECT COUNT(*) FROM form_drafts WHERE form_key = 'client:new'")
                    .fetchone() == (1,), timeout=5000)
    dialog.hide()  # the app dies here: nothing saved, nothing cancelled

    again = page.open_new_client()
    assert [edit(again, name).text() for name in ("Client ref", "First name", "Last name", "Date of birth")] == [
        "N-9", "Zófia", "Łukasiewicz", "1990-01-01"]
    assert named(again, "Problem").property("text").startswith("Restored what you typed at ")
    button(again, "Create client").click()
    assert raw.execute("SELECT first_name FROM clients WHERE client_ref = 'N-9'").fetchone() == ("Zófia",)
    assert raw.execute("SELECT COUNT(*) FROM form_drafts WHERE form_key = 'client:new'").fetchone() == (0,)
    assert edit(page.open_new_client(), "Client ref").text() == ""


def test_duplicate_link_opens_the_existing_client(page: ClientsPage, people: dict[str, int]) -> None:
    dialog = page.open_new_client()
    fill_new_client(dialog, "P-9", "Zofia", "Łukasiewicz", "1990-01-01")
    button(dialog, "Create client").click()
    warning = named(dialog, "Possible duplicate")
    assert isinstance(warning, QLabel)
    warning.linkActivated.emit(f"client:{people['P-1']}")
    assert page.stack.currentIndex() == 1 and page.client_page.client_id == people["P-1"]


def test_consultation_form_saves_skin_type_history_and_findings(
        page: ClientsPage, people: dict[str, int], raw: sqlite3.Connection) -> None:
    client_page = page.open_client(people["P-1"])
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


def test_reception_edits_contact_details_but_the_consultation_is_read_only(
        page: ClientsPage, people: dict[str, int], raw: sqlite3.Connection,
        user: UserSession) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    client_page = page.open_client(people["P-2"])
    for name in ("Fitzpatrick skin type", "New medication", "Add contraindication", "Contraindication"):
        assert not named(client_page, name).isEnabled(), name
    assert not button(client_page, "Sign consent…").isEnabled()
    assert not button(client_page, "New session…").isEnabled()
    phone = edit(client_page, "Phone")
    phone.clear()
    type_text(phone, "+86 139 1111 2222")
    button(client_page, "Save contact details").click()
    assert raw.execute("SELECT phone FROM clients WHERE client_ref = 'P-2'").fetchone() == ("+86 139 1111 2222",)

    # even if the form let them, the service refuses and the page says why
    client_page.consultation.history["medication"].setEnabled(True)
    type_text(edit(client_page, "New medication"), "Doxycycline")
    button(client_page, "Add medication").click()
    assert client_page.problem_label.text() == "role 'reception' may not edit clinical client records"
    assert raw.execute("SELECT COUNT(*) FROM medical_history").fetchone() == (0,)


def test_only_a_physician_sees_clear_and_the_clearance_is_recorded(page: ClientsPage, people: dict[str, int],
                                                                   db: Database, owner: Actor, raw: sqlite3.Connection,
                                                                   user: UserSession) -> None:
    clients.add_finding(db, owner, people["P-3"], "keloid_history", date(2020, 1, 1))
    client_page = page.open_client(people["P-3"])
    findings = named(client_page, "Contraindications on record")
    assert isinstance(findings, QListWidget)
    findings.setCurrentRow(0)
    assert not button(client_page, "Clear contraindication").isEnabled()  # the owner is no physician
    derm = create_practitioner(db, owner, PractitionerDetails("mb", "Dr Maria Brandt", "dermatologist", False, 3.0))
    user.sign_in(Actor("mb", UserRole.PRACTITIONER, derm.id))
    client_page = page.open_client(people["P-3"])
    assert client_page.suitability.verdict_text == "Suitable with cautions"
    findings.setCurrentRow(0)
    type_text(edit(client_page, "Clearance note"), "Test patch healed flat")
    button(client_page, "Clear contraindication").click()
    assert raw.execute("SELECT cleared_by, clearance_note FROM findings").fetchone() == (
        "mb", "Test patch healed flat")
    assert client_page.suitability.reason_lines == [
        "History of keloid or hypertrophic scarring — cleared by mb: Test patch healed flat"]


def test_new_session_button_asks_for_a_session_for_this_client(
        qtbot: QtBot, page: ClientsPage, people: dict[str, int]) -> None:
    client_page = page.open_client(people["P-1"])
    with qtbot.waitSignal(page.new_session_requested) as signal:
        button(client_page, "New session…").click()
    assert signal.args == [people["P-1"]]


def test_search_enter_opens_the_selected_client_and_escape_returns(
        qtbot: QtBot, page: ClientsPage, people: dict[str, int]) -> None:
    search = edit(page, "Search clients")
    type_text(search, "öztürk")
    QTest.keyClick(search, Qt.Key.Key_Return)
    assert page.client_page.client_id == people["P-3"]
    button(page, "All clients").click()
    assert page.stack.currentIndex() == 0


def test_a_line_typed_for_one_client_stays_with_that_client(qtbot: QtBot, page: ClientsPage,
                                                             people: dict[str, int], db: Database,
                                                             raw: sqlite3.Connection) -> None:
    zofia = page.open_client(people["P-1"])
    type_text(edit(zofia, "New medication"), "Isotretinoïn 20 mg")
    type_text(edit(zofia, "Finding note"), "stopped in May")
    page.open_client(people["P-3"])  # the same page now shows Şükrü: nothing typed for Zófia is offered here
    assert edit(zofia, "New medication").text() == "" and edit(zofia, "Finding note").text() == ""
    QTest.keyClick(edit(zofia, "New medication"), Qt.Key.Key_Return)
    assert raw.execute("SELECT COUNT(*) FROM medical_history").fetchone() == (0,)

    page.open_client(people["P-1"])  # back to Zófia: her half-typed lines are there again
    assert edit(zofia, "New medication").text() == "Isotretinoïn 20 mg"
    assert edit(zofia, "Finding note").text() == "stopped in May"
    assert named(zofia, "Note").text().startswith("Restored what you typed at ")
    QTest.keyClick(edit(zofia, "New medication"), Qt.Key.Key_Return)
    assert raw.execute("SELECT client_id, text FROM medical_history").fetchall() == [
        (people["P-1"], "Isotretinoïn 20 mg")]
    assert not named(zofia, "Note").isVisible()


def test_a_line_typed_before_a_crash_comes_back_and_goes_once_added(qtbot: QtBot, user: UserSession, db: Database,
                                                                    owner: Actor, people: dict[str, int]) -> None:
    first = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(first)
    typing = first.open_client(people["P-2"])
    type_text(edit(typing, "New allergy"), "花粉")
    key = f"consultation:{people['P-2']}"
    qtbot.waitUntil(lambda: load_form_draft(db, owner, key) is not None, timeout=5000)
    first.hide()  # the app dies here: nothing more is written

    again = ClientsPage(db, user, today=lambda: TODAY)
    qtbot.addWidget(again)
    restored = again.open_client(people["P-2"])
    assert edit(restored, "New allergy").text() == "花粉"
    button(restored, "Add allergy").click()
    qtbot.waitUntil(lambda: load_form_draft(db, owner, key) is None, timeout=5000)  # added: nothing to offer


def test_another_user_does_not_see_the_lines_the_previous_one_typed(qtbot: QtBot, user: UserSession, page: ClientsPage,
                                                                     people: dict[str, int], db: Database,
                                                                     owner: Actor) -> None:
    derm = Actor("mbrandt", UserRole.PRACTITIONER, create_practitioner(db, owner, PractitionerDetails(
        "mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0)).id)
    client_page = page.open_client(people["P-1"])
    type_text(edit(client_page, "New condition"), "Rosacea (owner's note)")
    user.sign_in(derm)
    assert edit(client_page, "New condition").text() == ""
    user.sign_in(owner)
    assert edit(client_page, "New condition").text() == "Rosacea (owner's note)"


def test_contact_details_being_edited_survive_a_consultation_change_and_a_switch_of_client(
        qtbot: QtBot, page: ClientsPage, people: dict[str, int], db: Database, owner: Actor,
        raw: sqlite3.Connection) -> None:
    client_page = page.open_client(people["P-1"])
    phone = edit(client_page, "Phone")
    phone.clear()
    type_text(phone, "+48 600 700 800")
    type_text(edit(client_page, "New medication"), "Doxycycline 100 mg")
    QTest.keyClick(edit(client_page, "New medication"), Qt.Key.Key_Return)  # saved: the page reloads the record
    assert phone.text() == "+48 600 700 800"  # not overwritten by the stored number

    page.open_client(people["P-3"])
    assert phone.text() == ""  # Şükrü's own (none)
    page.open_client(people["P-1"])
    assert phone.text() == "+48 600 700 800"
    assert named(client_page, "Contact details note").text().startswith("Restored what you typed at ")
    button(client_page, "Save contact details").click()
    assert raw.execute("SELECT phone FROM clients WHERE id = ?", (people["P-1"],)).fetchone() == ("+48 600 700 800",)
    assert load_form_draft(db, owner, f"contact:{people['P-1']}") is None
    assert not named(client_page, "Contact details note").isVisible()


def test_a_save_over_another_workstations_change_is_stopped_and_shows_theirs(
        page: ClientsPage, people: dict[str, int], db: Database, raw: sqlite3.Connection) -> None:
    client_page = page.open_client(people["P-1"])
    # meanwhile, at the desk: a new phone number and an e-mail for the same client
    desk = Actor("desk", UserRole.RECEPTION)
    clients.update_details(db, desk, people["P-1"], ClientDetails(
        "P-1", "Zófia", "Łukasiewicz", date(1990, 1, 1), "+48 600 111 111", "zofia@example.com"))
    phone = edit(client_page, "Phone")
    phone.clear()
    type_text(phone, "+48 600 222 222")
    button(client_page, "Save contact details").click()
    assert client_page.problem_label.text().startswith(
        "Not saved. phone: changed meanwhile by someone else to '+48 600 111 111'")
    assert raw.execute("SELECT phone, email FROM clients WHERE id = ?", (people["P-1"],)).fetchone() == (
        "+48 600 111 111", "zofia@example.com")
    assert phone.text() == "+48 600 222 222"  # the typing stays
    assert edit(client_page, "E-mail").text() == "zofia@example.com"  # their e-mail is shown, not overwritten

    button(client_page, "Save contact details").click()  # seen and confirmed: this phone number it is
    assert raw.execute("SELECT phone, email FROM clients WHERE id = ?", (people["P-1"],)).fetchone() == (
        "+48 600 222 222", "zofia@example.com")


def test_opening_a_client_is_audited_once_per_opening_not_per_reload(qtbot: QtBot, user: UserSession, db: Database,
                                                                     page: ClientsPage, people: dict[str, int],
                                                                     owner: Actor) -> None:
    from clinic_log.services.audit.audit_queries import AuditFilter, list_audit

    def viewed() -> list[tuple[str, str | None]]:
        return [(r.actor, r.entity_id) for r in reversed(list_audit(db, owner, AuditFilter(action="viewed")))]

    desk = Actor("desk", UserRole.RECEPTION)
    user.sign_in(desk)
    client_page = page.open_client(people["P-1"])
    client_page.reload()  # e.g. after a save: the same user still looking, not a new opening
    assert viewed() == [("desk", str(people["P-1"]))]
    page.open_client(people["P-2"])
    user.sign_in(owner)
    client_page.reload()  # another user took over the page showing P-2
    assert viewed() == [("desk", str(people["P-1"])), ("desk", str(people["P-2"])), ("owner", str(people["P-2"]))]

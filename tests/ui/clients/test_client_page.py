"""One client's page: contact details any role may edit (kept through a switch of client, never written over
another workstation's change), the consultation read-only for reception, the consent status and the list of
signed consents, and each opening of a record audited once."""

from __future__ import annotations

import sqlite3
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.sessions.form_drafts import load_form_draft
from clinic_log.ui.clients.client_page import ClientPage
from clinic_log.ui.common.user_session import UserSession
from tests.ui.named_widgets import button, edit, named, type_text


def show(page: ClientPage, client_id: int) -> ClientPage:
    page.show_client(client_id)
    return page


def test_reception_edits_contact_details_but_the_consultation_is_read_only(
        page: ClientPage, people: dict[str, int], raw: sqlite3.Connection, user: UserSession) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    client_page = show(page, people["P-2"])
    for name in ("Fitzpatrick skin type", "New medication", "Add contraindication", "Contraindication"):
        assert not named(client_page, name).isEnabled(), name
    assert not button(client_page, "Sign consent…").isEnabled()
    assert not button(client_page, "New session…").isVisibleTo(client_page)  # not offered: reception may not log one
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


def test_a_contact_date_of_birth_that_is_no_date_is_named_and_nothing_is_saved(
        page: ClientPage, people: dict[str, int], raw: sqlite3.Connection) -> None:
    show(page, people["P-1"])
    born = edit(page, "Date of birth")
    born.clear()
    type_text(born, "1990-13-01")
    phone = edit(page, "Phone")
    phone.clear()
    type_text(phone, "+48 600 000 000")
    button(page, "Save contact details").click()
    assert page.problem_label.text().startswith("date of birth: '1990-13-01' is not allowed")
    assert raw.execute("SELECT date_of_birth, phone FROM clients WHERE id = ?", (people["P-1"],)).fetchone() == (
        "1990-01-01", "+48 501 234 567")
    assert born.text() == "1990-13-01"  # left to correct


def test_contact_details_being_edited_survive_a_consultation_change_and_a_switch_of_client(
        qtbot: QtBot, page: ClientPage, people: dict[str, int], db: Database, owner: Actor,
        raw: sqlite3.Connection) -> None:
    client_page = show(page, people["P-1"])
    phone = edit(client_page, "Phone")
    phone.clear()
    type_text(phone, "+48 600 700 800")
    type_text(edit(client_page, "New medication"), "Doxycycline 100 mg")
    QTest.keyClick(edit(client_page, "New medication"), Qt.Key.Key_Return)  # saved: the page reloads the record
    assert phone.text() == "+48 600 700 800"  # not overwritten by the stored number

    show(page, people["P-3"])
    assert phone.text() == ""  # Şükrü's own (none)
    show(page, people["P-1"])
    assert phone.text() == "+48 600 700 800"
    assert named(client_page, "Contact details note").text().startswith("Restored what you typed at ")
    button(client_page, "Save contact details").click()
    assert raw.execute("SELECT phone FROM clients WHERE id = ?", (people["P-1"],)).fetchone() == ("+48 600 700 800",)
    assert load_form_draft(db, owner, f"contact:{people['P-1']}") is None
    assert not named(client_page, "Contact details note").isVisible()


def test_a_save_over_another_workstations_change_is_stopped_and_shows_theirs(
        page: ClientPage, people: dict[str, int], db: Database, raw: sqlite3.Connection) -> None:
    client_page = show(page, people["P-1"])
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


def test_opening_a_client_is_audited_once_per_opening_not_per_reload(
        qtbot: QtBot, user: UserSession, db: Database, page: ClientPage, people: dict[str, int],
        owner: Actor) -> None:
    from clinic_log.services.audit.audit_queries import AuditFilter, list_audit

    def viewed() -> list[tuple[str, str | None]]:
        return [(r.actor, r.entity_id) for r in reversed(list_audit(db, owner, AuditFilter(action="viewed")))]

    desk = Actor("desk", UserRole.RECEPTION)
    user.sign_in(desk)
    client_page = show(page, people["P-1"])
    client_page.reload()  # e.g. after a save: the same user still looking, not a new opening
    assert viewed() == [("desk", str(people["P-1"]))]
    show(page, people["P-2"])
    user.sign_in(owner)
    client_page.reload()  # another user took over the page showing P-2
    assert viewed() == [("desk", str(people["P-1"])), ("desk", str(people["P-2"])), ("owner", str(people["P-2"]))]


def test_consent_older_than_the_validity_period_shows_expired(
        qtbot: QtBot, page: ClientPage, db: Database, owner: Actor, people: dict[str, int]) -> None:
    client_id = people["P-1"]
    show(page, client_id)
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2025, 8, 31))
    page.reload()
    assert page.consent_label.text().startswith("Consent expired on 2026-08-31")
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2025, 9, 2))
    page.reload()
    assert page.consent_label.text().startswith("Consent valid until 2026-09-02")


def test_the_consent_status_is_amber_without_a_consent_red_once_expired_and_plain_while_valid(
        page: ClientPage, db: Database, owner: Actor, people: dict[str, int]) -> None:
    client_id = people["P-1"]
    show(page, client_id)
    assert page.consent_label.text() == "No consent signed"
    assert "#b26a00" in page.consent_label.styleSheet()
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2025, 8, 31))
    page.reload()
    assert "#b00020" in page.consent_label.styleSheet()
    record_consent(db, owner, client_id, "Zófia Łukasiewicz", date(2026, 8, 31))
    page.reload()
    assert page.consent_label.styleSheet() == ""


def test_all_consents_is_unavailable_until_a_consent_is_signed(qtbot: QtBot, page: ClientPage,
                                                              people: dict[str, int]) -> None:
    show(page, people["P-1"])
    assert not page.history_button.isEnabled()
    assert page.open_consent_history() is None

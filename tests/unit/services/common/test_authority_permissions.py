"""Every service checks the acting role itself: reception never changes clinical records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.domain.errors import DomainError, PermissionDenied
from clinic_log.domain.permissions import ALLOWED, Permission, require
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.audit import audit_queries
from clinic_log.services.backup.backup import backup
from clinic_log.services.clients import clients
from clinic_log.services.clients.aftercare import render_aftercare
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clients.timeline import client_timeline
from clinic_log.services.clinic import clinic_settings, templates
from clinic_log.services.clinic.consent_texts import save_consent_text, set_consent_validity
from clinic_log.services.devices import devices
from clinic_log.services.exchange import exporter, importer
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.people import auth, people
from clinic_log.services.photos import photo_export, photos
from clinic_log.services.review import dashboard, recall
from clinic_log.services.sessions import amendments, form_drafts, sessions
from tests.unit.services.helpers import Clinic, make_clinic, session_entry

Call = Callable[[Database, Actor, Clinic, int, Path], object]
SETUP = Actor("setup", UserRole.OWNER)
P = Permission


def _finding(db: Database, clinic: Clinic, code: str = "keloid_history") -> int:
    return clients.add_finding(db, SETUP, clinic.client_id, code, date(2026, 1, 1))


def _history(db: Database, clinic: Clinic) -> int:
    return clients.add_history(db, SETUP, clinic.client_id, "allergy", "nickel", date(2026, 1, 1))

OWNER = Actor("owner", UserRole.OWNER)


def _backup(db: Database, actor: Actor, folder: Path) -> None:
    """A backup, or on PostgreSQL the refusal that comes after the permission check (pg_dump makes those)."""
    try:
        backup(db, actor, folder / "b.sqlite3")
    except DomainError as exc:
        if db.is_sqlite or "pg_dump" not in str(exc):
            raise


def _clients_file(folder: Path) -> Path:
    path = folder / "clients.csv"
    path.write_text("client_ref,first_name,last_name,date_of_birth,phone,email,fitzpatrick\n"
                    "N-9,Ada,Lovelace,,,,\n", encoding="utf-8")
    return path


def _supervised(db: Database, clinic: Clinic) -> int:
    """A session the nurse signed under Dr Brandt's supervision, for her to countersign."""
    entry = session_entry(clinic, practitioner_id=clinic.nurse_id, supervisor_id=clinic.derm_id,
                          supervisor_presence="on_site", started_at=datetime(2026, 7, 2, 9, 30, tzinfo=UTC))
    return sessions.log_session(db, clinic.nurse, entry, sign=True).id


def _draft_with_a_stop(db: Database, clinic: Clinic) -> int:
    _finding(db, clinic, "pregnancy")
    return sessions.save_draft(db, OWNER, session_entry(clinic)).id

def _photo_file(db: Database, clinic: Clinic, folder: Path) -> Path:
    """A PNG to add, after the client's consent to clinical-record photos (recorded by the owner)."""
    from tests.unit.services.photos.photo_files import plain

    record_consent(db, OWNER, clinic.client_id, "Zofia", date.today(), purpose=ConsentPurpose.PHOTOS_CLINICAL)
    return plain(folder / "new.png", "PNG")


def _photo(db: Database, clinic: Clinic, folder: Path) -> int:
    """A photo of the client added by the owner, for a role to read or void."""
    photo_id = photos.add_photos(db, OWNER, "P-1", [_photo_file(db, clinic, folder)]).files[0].photo_id
    assert photo_id is not None
    return photo_id


# service call, the permission it checks, the roles allowed (the rest must be refused with PermissionDenied)
MATRIX: list[tuple[str, Call, Permission, set[UserRole]]] = [
    ("create client", lambda db, a, c, s, t: clients.create_client(db, a, clients.ClientDetails("N-1", "A", "B")),
     P.EDIT_CLIENT_CONTACT, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("update contact", lambda db, a, c, s, t: clients.update_contact(db, a, c.client_id, "+1", None),
     P.EDIT_CLIENT_CONTACT, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("add finding", lambda db, a, c, s, t: clients.add_finding(db, a, c.client_id, "eczema", date(2026, 1, 1)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("add history", lambda db, a, c, s, t: clients.add_history(db, a, c.client_id, "allergy", "nickel",
                                                                date(2026, 1, 1)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("update details", lambda db, a, c, s, t: clients.update_details(
        db, a, c.client_id, clients.ClientDetails("P-1", "Zofia", "Nowak", date(1990, 1, 1), "+48 1")),
     P.EDIT_CLIENT_CONTACT, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("set fitzpatrick", lambda db, a, c, s, t: clients.set_fitzpatrick(db, a, c.client_id, 4),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("remove history", lambda db, a, c, s, t: clients.remove_history(db, a, _history(db, c)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("set finding end", lambda db, a, c, s, t: clients.set_finding_end(db, a, _finding(db, c, "isotretinoin"),
                                                                        date(2026, 2, 1)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("remove finding", lambda db, a, c, s, t: clients.remove_finding(db, a, _finding(db, c)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    # a physician practitioner only: the owner's user is not a practitioner
    ("clear finding", lambda db, a, c, s, t: clients.clear_finding(db, a, _finding(db, c), "patch test fine"),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER}),
    ("edit consent text", lambda db, a, c, s, t: save_consent_text(db, a, "I consent to microneedling. " * 3),
     P.EDIT_SETTINGS, {UserRole.OWNER}),
    ("set consent validity", lambda db, a, c, s, t: set_consent_validity(db, a, "6m"),
     P.EDIT_SETTINGS, {UserRole.OWNER}),
    ("record consent", lambda db, a, c, s, t: record_consent(db, a, c.client_id, "Zofia", date(2026, 7, 1)),
     P.EDIT_CLINICAL_RECORDS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("log session", lambda db, a, c, s, t: sessions.log_session(db, a, session_entry(c), sign=False),
     P.LOG_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("save draft", lambda db, a, c, s, t: sessions.save_draft(db, a, session_entry(c)),
     P.LOG_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("amend session", lambda db, a, c, s, t: amendments.amend_session_field(db, a, s, "notes", "x", "why"),
     P.AMEND_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("add late complication", lambda db, a, c, s, t: amendments.add_late_complication(
        db, a, s, ComplicationInput("infection", 2), "follow-up call"),
     P.AMEND_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("print aftercare", lambda db, a, c, s, t: render_aftercare(db, a, s),
     P.PRINT_AFTERCARE, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("client timeline", lambda db, a, c, s, t: client_timeline(db, a, c.client_id),
     P.VIEW_SESSIONS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("recall", lambda db, a, c, s, t: recall.recall_lot(db, a, "SP14-1"),
     P.RUN_RECALLS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("export", lambda db, a, c, s, t: exporter.export_sessions(db, a, "csv", t / "e.csv"),
     P.EXPORT_DATA, {UserRole.OWNER}),
    ("import", lambda db, a, c, s, t: importer.import_clients(db, a, _clients_file(t)),
     P.IMPORT_DATA, {UserRole.OWNER}),
    ("demo", lambda db, a, c, s, t: generate_demo(db, a, clients=1, sessions=1, allow_existing=True),
     P.IMPORT_DATA, {UserRole.OWNER}),
    ("backup", lambda db, a, c, s, t: _backup(db, a, t), P.BACK_UP_AND_RESTORE, {UserRole.OWNER}),
    ("add device", lambda db, a, c, s, t: devices.add_device(db, a, "Dermapen 4", "NEW-1"),
     P.MANAGE_DEVICES, {UserRole.OWNER}),
    ("edit template", lambda db, a, c, s, t: templates.save_template(db, a, templates.latest_template(db).body),
     P.EDIT_SETTINGS, {UserRole.OWNER}),
    ("sign session", lambda db, a, c, s, t: sessions.sign_session(
        db, a, sessions.save_draft(db, OWNER, session_entry(c)).id),
     P.SIGN_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    # only the supervising physician named on the session countersigns (the owner is refused too)
    ("countersign session", lambda db, a, c, s, t: sessions.countersign_session(db, a, _supervised(db, c)),
     P.COUNTERSIGN_SESSIONS, {UserRole.PRACTITIONER}),
    ("override stops", lambda db, a, c, s, t: sessions.override_stops(
        db, a, _draft_with_a_stop(db, c), "physician reviewed the record today"),
     P.OVERRIDE_STOPS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("void session", lambda db, a, c, s, t: amendments.void_session(db, a, s, "entered for the wrong client"),
     P.VOID_SESSIONS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("create user", lambda db, a, c, s, t: auth.create_user(db, a, "desk2", "Desk", "reception", "long-enough-pass"),
     P.MANAGE_USERS, {UserRole.OWNER}),
    ("list users", lambda db, a, c, s, t: auth.list_users(db, a), P.MANAGE_USERS, {UserRole.OWNER}),
    ("deactivate user", lambda db, a, c, s, t: auth.deactivate_user(db, a, c_user(db)),
     P.MANAGE_USERS, {UserRole.OWNER}),
    ("reset password", lambda db, a, c, s, t: auth.reset_password(db, a, c_user(db), "new-password-1"),
     P.MANAGE_USERS, {UserRole.OWNER}),
    ("view practitioners", lambda db, a, c, s, t: people.practitioner_records(db, a),
     P.VIEW_PRACTITIONERS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("create practitioner", lambda db, a, c, s, t: people.create_practitioner(db, a, people.PractitionerDetails(
        "new", "New Person", "nurse", True, 1.5)), P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("update practitioner", lambda db, a, c, s, t: people.update_practitioner(
        db, a, c.nurse_id, "Jane Doyle", "nurse", True, 1.0), P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("deactivate practitioner", lambda db, a, c, s, t: people.set_practitioner_active(db, a, c.nurse_id, False),
     P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("add credential", lambda db, a, c, s, t: people.add_credential(db, a, c.nurse_id, people.CredentialInput(
        "microneedling certificate", "MN-1", date(2030, 1, 1))), P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("update credential", lambda db, a, c, s, t: people.update_credential(
        db, a, people.practitioner_records(db, OWNER)[0].credentials[0].id,
        people.CredentialInput("licence", "GMC-2", date(2032, 1, 1))), P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("read a credential", lambda db, a, c, s, t: people.get_credential(
        db, a, people.practitioner_records(db, OWNER)[0].credentials[0].id), P.MANAGE_PEOPLE, {UserRole.OWNER}),
    ("save settings", lambda db, a, c, s, t: clinic_settings.save_settings(
        db, a, {"security.idle_lock_minutes": "15"}), P.EDIT_SETTINGS, {UserRole.OWNER}),
    ("save clinic", lambda db, a, c, s, t: clinic_settings.save_clinic(
        db, a, clinic_settings.ClinicDetails("Skin Studio", "1 High St", "+44 1")), P.EDIT_SETTINGS, {UserRole.OWNER}),
    ("read audit", lambda db, a, c, s, t: audit_queries.list_audit(db, a), P.VIEW_AUDIT_LOG, {UserRole.OWNER}),
    ("verify audit chain", lambda db, a, c, s, t: audit_queries.first_broken_row(db, a),
     P.VIEW_AUDIT_LOG, {UserRole.OWNER}),
    ("count audit rows", lambda db, a, c, s, t: audit_queries.count_audit_rows(db, a),
     P.VIEW_AUDIT_LOG, {UserRole.OWNER}),
    ("list audit filter choices", lambda db, a, c, s, t: audit_queries.audit_choices(db, a),
     P.VIEW_AUDIT_LOG, {UserRole.OWNER}),
    ("load the dashboard", lambda db, a, c, s, t: dashboard.load_dashboard(db, a, date(2026, 11, 25)),
     P.VIEW_DASHBOARD, {UserRole.OWNER}),
    ("add a photo", lambda db, a, c, s, t: photos.add_photos(db, a, "P-1", [_photo_file(db, c, t)]),
     P.ADD_PHOTOS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("void a photo", lambda db, a, c, s, t: photos.void_photo(db, a, _photo(db, c, t), "wrong client", 1),
     P.VOID_PHOTOS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("list photos", lambda db, a, c, s, t: photos.list_photos(db, a, "P-1"),
     P.VIEW_PHOTOS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("read a thumbnail", lambda db, a, c, s, t: photos.thumbnail(db, a, _photo(db, c, t)),
     P.VIEW_PHOTOS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("read a photo", lambda db, a, c, s, t: photos.original(db, a, _photo(db, c, t)),
     P.VIEW_PHOTOS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("compare photos", lambda db, a, c, s, t: photos.comparison_pair(db, a, "P-1", "front"),
     P.VIEW_PHOTOS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
    ("export photos", lambda db, a, c, s, t: photo_export.export_photos(db, a, "P-1", t / "photos"),
     P.EXPORT_PHOTOS, {UserRole.PRACTITIONER, UserRole.OWNER}),
    ("autosave a form", lambda db, a, c, s, t: form_drafts.save_form_draft(db, a, "session:client=1", {"notes": "x"}),
     P.KEEP_FORM_DRAFTS, {UserRole.RECEPTION, UserRole.PRACTITIONER, UserRole.OWNER}),
]


def c_user(db: Database) -> int:
    """A reception login to deactivate or reset."""
    return auth.create_user(db, OWNER, "desk", "Front desk", "reception", "reception-pass-1").id


@pytest.mark.parametrize("role", list(UserRole), ids=[r.value for r in UserRole])
@pytest.mark.parametrize(("name", "call", "permission", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(db: Database, owner: Actor, tmp_path: Path, role: UserRole, name: str,
                           call: Call, permission: Permission, allowed: set[UserRole]) -> None:
    clinic = make_clinic(db, owner)
    signed = sessions.log_session(db, clinic.derm, session_entry(clinic), sign=True).id
    actor = Actor(f"someone-{role.value}", role, clinic.derm_id if role is UserRole.PRACTITIONER else None)
    if role in allowed:  # the call must go through: any exception (a refusal or a broken call) fails the test
        try:
            call(db, actor, clinic, signed, tmp_path)
        except PermissionDenied as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{role.value} should be allowed to {name}: {exc}")
    else:
        with pytest.raises(PermissionDenied) as refused:
            call(db, actor, clinic, signed, tmp_path)
        if role not in ALLOWED[permission]:  # refused by the table, not by a finer rule (physicians only)
            assert refused.value.action == permission.value


def test_every_permission_of_the_table_is_exercised_by_the_matrix() -> None:
    """A new Permission member without a service call in MATRIX is a gap in the matrix."""
    assert set(Permission) - {row[2] for row in MATRIX} == set()
    assert set(ALLOWED) == set(Permission)  # every member has its roles


def test_a_plain_string_is_not_a_permission() -> None:
    """mypy refuses `require(actor, "log sessions")`; at run time it is a TypeError, never a lookup by sentence."""
    with pytest.raises(TypeError, match="Permission"):
        require(OWNER, "log sessions")  # type: ignore[arg-type]

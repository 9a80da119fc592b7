"""Which user role may do what. Enforced by the services, whatever the UI shows."""

from __future__ import annotations

from enum import StrEnum

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PractitionerRole, UserRole
from clinic_log.domain.errors import PermissionDenied


class Permission(StrEnum):
    """What a role may do; the value is the sentence PermissionDenied messages and the audit show."""

    EDIT_CLIENT_CONTACT = "edit client contact details"
    EDIT_CLINICAL_RECORDS = "edit clinical client records"
    LOG_SESSIONS = "log sessions"
    SIGN_SESSIONS = "sign sessions"
    OVERRIDE_STOPS = "override stops"
    COUNTERSIGN_SESSIONS = "countersign sessions"
    VOID_SESSIONS = "void sessions"
    AMEND_SESSIONS = "amend sessions"
    VIEW_SESSIONS = "view sessions"
    PRINT_AFTERCARE = "print aftercare"
    MANAGE_PEOPLE = "manage practitioners"
    MANAGE_DEVICES = "manage devices and cartridge lots"
    VIEW_PRACTITIONERS = "view practitioners"
    MANAGE_USERS = "manage users"
    EDIT_SETTINGS = "edit templates and settings"
    IMPORT_DATA = "import data"
    EXPORT_DATA = "export data"
    RUN_RECALLS = "run recalls"
    BACK_UP_AND_RESTORE = "back up and restore"
    VIEW_AUDIT_LOG = "view the audit log"
    KEEP_FORM_DRAFTS = "keep unsaved form drafts"
    VIEW_DASHBOARD = "view the dashboard"
    ADD_PHOTOS = "add clinical photos"
    VOID_PHOTOS = "void clinical photos"
    VIEW_PHOTOS = "view clinical photos"
    EXPORT_PHOTOS = "export clinical photos"


_P, _R, _O = UserRole.PRACTITIONER, UserRole.RECEPTION, UserRole.OWNER

ALLOWED: dict[Permission, frozenset[UserRole]] = {
    Permission.EDIT_CLIENT_CONTACT: frozenset({_P, _R, _O}),
    Permission.EDIT_CLINICAL_RECORDS: frozenset({_P, _O}),
    Permission.LOG_SESSIONS: frozenset({_P, _O}),
    Permission.SIGN_SESSIONS: frozenset({_P, _O}),
    Permission.OVERRIDE_STOPS: frozenset({_P, _O}),  # and only a physician among practitioners (may_override_stops)
    Permission.COUNTERSIGN_SESSIONS: frozenset({_P, _O}),  # and only the supervising physician named on the session
    Permission.VOID_SESSIONS: frozenset({_P, _O}),
    Permission.AMEND_SESSIONS: frozenset({_P, _O}),
    Permission.VIEW_SESSIONS: frozenset({_P, _R, _O}),
    Permission.PRINT_AFTERCARE: frozenset({_P, _R, _O}),
    Permission.MANAGE_PEOPLE: frozenset({_O}),
    Permission.MANAGE_DEVICES: frozenset({_O}),
    Permission.VIEW_PRACTITIONERS: frozenset({_P, _R, _O}),
    Permission.MANAGE_USERS: frozenset({_O}),
    Permission.EDIT_SETTINGS: frozenset({_O}),
    Permission.IMPORT_DATA: frozenset({_O}),
    Permission.EXPORT_DATA: frozenset({_O}),
    Permission.RUN_RECALLS: frozenset({_P, _O}),
    Permission.BACK_UP_AND_RESTORE: frozenset({_O}),
    Permission.VIEW_AUDIT_LOG: frozenset({_O}),
    Permission.KEEP_FORM_DRAFTS: frozenset({_P, _R, _O}),
    Permission.VIEW_DASHBOARD: frozenset({_O}),
    Permission.ADD_PHOTOS: frozenset({_P, _O}),
    Permission.VOID_PHOTOS: frozenset({_P, _O}),
    Permission.VIEW_PHOTOS: frozenset({_P, _R, _O}),  # reception sees and prints, as with sessions and aftercare
    Permission.EXPORT_PHOTOS: frozenset({_P, _O}),  # copies of health data leaving the app: not the front desk
}


def require(actor: Actor, permission: Permission) -> None:
    """Refuse an actor whose role lacks `permission` (a plain string is a TypeError, not a lookup by sentence)."""
    if not isinstance(permission, Permission):
        raise TypeError(f"require() takes a Permission, not {type(permission).__name__} {permission!r}")
    if actor.role not in ALLOWED[permission]:
        raise PermissionDenied(actor.role.value, permission.value)


def may_override_stops(role: UserRole, practitioner_role: PractitionerRole | None) -> bool:
    """A stop (absolute contraindication, under-age client, expired credential) is overridden only by a physician
    (dermatologist, plastic surgeon) or the owner."""
    return role is UserRole.OWNER or (role is UserRole.PRACTITIONER and practitioner_role is not None
                                      and practitioner_role.is_physician)

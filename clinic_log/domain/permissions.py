"""Which user role may do what. Enforced by the services, whatever the UI shows."""

from __future__ import annotations

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PractitionerRole, UserRole
from clinic_log.domain.errors import PermissionDenied

_P, _R, _O = UserRole.PRACTITIONER, UserRole.RECEPTION, UserRole.OWNER

ALLOWED: dict[str, frozenset[UserRole]] = {
    "edit client contact details": frozenset({_P, _R, _O}),
    "edit clinical client records": frozenset({_P, _O}),
    "log sessions": frozenset({_P, _O}),
    "sign sessions": frozenset({_P, _O}),
    "override stops": frozenset({_P, _O}),  # and only a physician among practitioners (may_override_stops)
    "countersign sessions": frozenset({_P, _O}),  # and only the supervising physician named on the session
    "void sessions": frozenset({_P, _O}),
    "amend sessions": frozenset({_P, _O}),
    "view sessions": frozenset({_P, _R, _O}),
    "print aftercare": frozenset({_P, _R, _O}),
    "manage practitioners and devices": frozenset({_O}),
    "view practitioners": frozenset({_P, _R, _O}),
    "manage users": frozenset({_O}),
    "edit templates and settings": frozenset({_O}),
    "import data": frozenset({_O}),
    "export data": frozenset({_O}),
    "run recalls": frozenset({_P, _O}),
    "back up and restore": frozenset({_O}),
    "view the audit log": frozenset({_O}),
    "keep unsaved form drafts": frozenset({_P, _R, _O}),
    "view the dashboard": frozenset({_O}),
}


def require(actor: Actor, action: str) -> None:
    if actor.role not in ALLOWED[action]:
        raise PermissionDenied(actor.role.value, action)


def may_override_stops(role: UserRole, practitioner_role: PractitionerRole | None) -> bool:
    """A stop (absolute contraindication, under-age client, expired credential) is overridden only by a physician
    (dermatologist, plastic surgeon) or the owner."""
    return role is UserRole.OWNER or (role is UserRole.PRACTITIONER and practitioner_role is not None
                                      and practitioner_role.is_physician)

"""Who may do what: the permission grid, its refusals, and who may override a stop."""

from __future__ import annotations

import pytest

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PractitionerRole, UserRole
from clinic_log.domain.errors import PermissionDenied
from clinic_log.domain.permissions import ALLOWED, Permission, may_override_stops, require

P, R, OWN = UserRole.PRACTITIONER, UserRole.RECEPTION, UserRole.OWNER
GRID = {
    "edit client contact details": {P, R, OWN},
    "edit clinical client records": {P, OWN},
    "log sessions": {P, OWN},
    "sign sessions": {P, OWN},
    "override stops": {P, OWN},
    "countersign sessions": {P, OWN},
    "void sessions": {P, OWN},
    "amend sessions": {P, OWN},
    "view sessions": {P, R, OWN},
    "print aftercare": {P, R, OWN},
    "manage practitioners": {OWN},
    "manage devices and cartridge lots": {OWN},
    "view practitioners": {P, R, OWN},
    "manage users": {OWN},
    "edit templates and settings": {OWN},
    "import data": {OWN},
    "export data": {OWN},
    "run recalls": {P, OWN},
    "back up and restore": {OWN},
    "view the audit log": {OWN},
    "keep unsaved form drafts": {P, R, OWN},
    "view the dashboard": {OWN},
    "add clinical photos": {P, OWN},
    "void clinical photos": {P, OWN},
    "view clinical photos": {P, R, OWN},  # reception views and prints, as with sessions
    "export clinical photos": {P, OWN},  # copies of health data leaving the app: not the front desk
}


def test_the_permission_grid_is_exactly_the_documented_one() -> None:
    assert {action: set(roles) for action, roles in ALLOWED.items()} == GRID


@pytest.mark.parametrize("action", sorted(GRID))
@pytest.mark.parametrize("role", list(UserRole))
def test_require_allows_the_grid_and_refuses_everything_else_naming_role_and_action(role: UserRole,
                                                                                   action: str) -> None:
    actor = Actor("someone", role)
    permission = Permission(action)  # the sentence is the member's value: what refusals and the audit show
    if role in GRID[action]:
        require(actor, permission)
        return
    with pytest.raises(PermissionDenied) as refused:
        require(actor, permission)
    assert (refused.value.role, refused.value.action) == (role.value, action)
    assert str(refused.value) == f"role {role.value!r} may not {action}"


def test_a_permission_given_as_a_plain_string_is_a_programming_error_naming_what_was_passed() -> None:
    actor = Actor("owner", UserRole.OWNER)
    with pytest.raises(TypeError) as wrong:
        require(actor, "log sessions")  # type: ignore[arg-type]
    assert str(wrong.value) == "require() takes a Permission, not str 'log sessions'"


@pytest.mark.parametrize(("role", "practitioner_role", "may"), [
    (UserRole.OWNER, None, True),
    (UserRole.OWNER, PractitionerRole.NURSE, True),
    (UserRole.PRACTITIONER, PractitionerRole.DERMATOLOGIST, True),
    (UserRole.PRACTITIONER, PractitionerRole.PLASTIC_SURGEON, True),
    (UserRole.PRACTITIONER, PractitionerRole.NURSE, False),
    (UserRole.PRACTITIONER, PractitionerRole.ESTHETICIAN, False),
    (UserRole.PRACTITIONER, None, False),
    (UserRole.RECEPTION, PractitionerRole.DERMATOLOGIST, False),
    (UserRole.RECEPTION, None, False),
])
def test_only_a_physician_or_the_owner_may_override_a_stop(role: UserRole, practitioner_role: PractitionerRole | None,
                                                           may: bool) -> None:
    assert may_override_stops(role, practitioner_role) is may

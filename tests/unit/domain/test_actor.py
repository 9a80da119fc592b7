"""Who is acting: an actor is fixed once made, and one without a login (the command line) names no user."""

from __future__ import annotations

import dataclasses

import pytest

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole


def test_an_actor_without_a_login_names_no_user_and_no_practitioner() -> None:
    cli = Actor("clinic-os-user", UserRole.OWNER)
    assert (cli.user_id, cli.practitioner_id) == (None, None)


def test_an_actors_role_cannot_be_changed_after_login() -> None:
    """A service holding the actor cannot widen what it may do: a new role needs a new actor (a new login)."""
    nurse = Actor("jdoyle", UserRole.PRACTITIONER, practitioner_id=3, user_id=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        nurse.role = UserRole.OWNER  # type: ignore[misc]
    assert nurse.role is UserRole.PRACTITIONER


def test_the_same_login_is_the_same_actor_and_another_user_id_is_not() -> None:
    assert Actor("jdoyle", UserRole.PRACTITIONER, 3, 7) == Actor("jdoyle", UserRole.PRACTITIONER, 3, 7)
    assert Actor("jdoyle", UserRole.PRACTITIONER, 3, 7) != Actor("jdoyle", UserRole.PRACTITIONER, 3, 8)
    assert len({Actor("a", UserRole.OWNER), Actor("a", UserRole.OWNER)}) == 1

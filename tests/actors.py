"""Comparing the actor a login produced with the one a test expects."""

from __future__ import annotations

from clinic_log.domain.actor import Actor


def logged_in_as(actor: Actor | None, expected: Actor) -> bool:
    """`actor` is `expected`'s login: same username, role and practitioner, and it carries its user's id (so every
    service call re-checks that login)."""
    return (actor is not None and actor.user_id is not None
            and (actor.username, actor.role, actor.practitioner_id)
            == (expected.username, expected.role, expected.practitioner_id))

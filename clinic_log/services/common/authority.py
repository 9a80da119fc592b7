"""Live authority: every service call checks the role's permission and re-reads the logged-in user.

A user deactivated, or given another role or practitioner record, since logging in is refused at their next
action (`AuthorityRevoked`), and the GUI, told through `Database.revocation_listeners`, returns to the login. One
statement reads the user in its own short read (`authorize`, `check_login`); signing, which the practitioner
waits on, reads the same user row with the draft (services/sessions/draft_input.py); one function judges what was read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Practitioner, User, table_of
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PractitionerRole, UserRole
from clinic_log.domain.errors import AuthorityRevoked
from clinic_log.domain.permissions import Permission, require

_user = table_of(User)
_prac = table_of(Practitioner)
_USER = (select(_user.c.active, _user.c.role, _user.c.practitioner_id, _prac.c.active.label("practitioner_active"))
         .select_from(_user).outerjoin(_prac, _prac.c.id == _user.c.practitioner_id)
         .where(_user.c.id == bindparam("uid")))
_PRACTITIONER_ROLE = select(_prac.c.role).where(_prac.c.id == bindparam("pid"))


def judge(db: Database, actor: Actor, row: Any) -> None:
    """Refuse an actor whose login no longer stands as it did when they logged in (`row` from the user select)."""
    try:
        _judge(actor, row)
    except AuthorityRevoked as exc:
        for listener in list(db.revocation_listeners):
            listener(str(exc))
        raise


def _judge(actor: Actor, row: Any) -> None:
    if row is None or not row.active:
        raise AuthorityRevoked(actor.username, "was deactivated")
    if row.role != actor.role.value:
        raise AuthorityRevoked(actor.username, f"was given the role {row.role!r}")
    if row.practitioner_id != actor.practitioner_id:
        raise AuthorityRevoked(actor.username, "was linked to another practitioner record")
    if row.practitioner_id is not None and not row.practitioner_active:
        raise AuthorityRevoked(actor.username, "has a practitioner record that was deactivated")


def authorize(db: Database, actor: Actor, permission: Permission) -> None:
    """`permission` is allowed for the actor's role and the actor's login still stands (one short read)."""
    require(actor, permission)
    if actor.user_id is not None:
        with db.reading() as session:
            row = session.execute(_USER, {"uid": actor.user_id}).first()
        judge(db, actor, row)


def check_login(db: Database, actor: Actor) -> None:
    """The actor's login still stands (for screens that only read: the GUI asks this every half minute)."""
    if actor.user_id is not None:
        with db.reading() as session:
            row = session.execute(_USER, {"uid": actor.user_id}).first()
        judge(db, actor, row)


def practitioner_role(session: Session, actor: Actor) -> PractitionerRole | None:
    """The clinical role of the actor's practitioner record (None for reception, the owner without one, the CLI)."""
    if actor.role is not UserRole.PRACTITIONER or actor.practitioner_id is None:
        return None
    role = session.execute(_PRACTITIONER_ROLE, {"pid": actor.practitioner_id}).scalar()
    return None if role is None else PractitionerRole(role)

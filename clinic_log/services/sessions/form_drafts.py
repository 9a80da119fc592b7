"""Autosaved form state (what a user typed but has not saved yet), one row per user and form key.

The state is whatever the form hands over as JSON-able values, valid or not: a crash or a restart loses nothing.
Each user only ever sees their own drafts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import FormDraft
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, utcnow

_ACTION = Permission.KEEP_FORM_DRAFTS
MAX_KEY_LENGTH = 120


@dataclass(frozen=True)
class FormDraftView:
    form_key: str
    state: dict[str, Any]
    saved_at: datetime  # aware, UTC


def _check_key(form_key: str) -> None:
    if not form_key or len(form_key) > MAX_KEY_LENGTH:
        raise InvalidValue("form_key", form_key, f"a key of 1 to {MAX_KEY_LENGTH} characters")


def save_form_draft(db: Database, actor: Actor, form_key: str, state: dict[str, Any]) -> None:
    """Keep `state` as the actor's draft of `form_key`, replacing any earlier one."""
    authorize(db, actor, _ACTION)
    _check_key(form_key)
    encoded = json.dumps(state, ensure_ascii=False, sort_keys=True)

    def work(session: Session) -> None:
        row = session.scalar(select(FormDraft).where(FormDraft.username == actor.username,
                                                     FormDraft.form_key == form_key))
        if row is None:
            session.add(FormDraft(username=actor.username, form_key=form_key, state_json=encoded, saved_at=utcnow()))
        else:
            row.state_json, row.saved_at = encoded, utcnow()

    db.write(work)


def load_form_draft(db: Database, actor: Actor, form_key: str) -> FormDraftView | None:
    authorize(db, actor, _ACTION)
    with db.reading() as session:
        row = session.scalar(select(FormDraft).where(FormDraft.username == actor.username,
                                                     FormDraft.form_key == form_key))
        return None if row is None else _view(row)


def delete_form_draft(db: Database, actor: Actor, form_key: str) -> None:
    """Forget the draft once the record itself is saved (no error if there is none)."""
    authorize(db, actor, _ACTION)
    db.write(lambda session: session.execute(
        delete(FormDraft).where(FormDraft.username == actor.username, FormDraft.form_key == form_key)))


def list_form_drafts(db: Database, actor: Actor, prefix: str = "") -> list[FormDraftView]:
    """The actor's drafts whose key starts with `prefix`, newest first."""
    authorize(db, actor, _ACTION)
    with db.reading() as session:
        stmt = select(FormDraft).where(FormDraft.username == actor.username)
        if prefix:
            stmt = stmt.where(FormDraft.form_key.startswith(prefix, autoescape=True))
        return [_view(row) for row in session.scalars(stmt.order_by(FormDraft.saved_at.desc(), FormDraft.id.desc()))]


# The autosave keys of forms that hold one client's data (the UI builds its keys from these; a test checks).
CLIENT_SESSION_KEY = "session:client={}"  # the chairside session form of a client
CLIENT_RECORD_KEYS = ("contact:{}", "consultation:{}")  # the client page's contact details and consultation lines
SESSION_KEYS = ("amend:{}",)  # an amendment of one session
SESSION_REASON_PREFIX = "reason:"  # "reason:<dialog title>:<session id>", a void or override reason being typed


def client_draft_keys(client_id: int, session_ids: Sequence[int]) -> list[str]:
    """The exact autosave keys whose drafts hold data of this client (reason drafts match by suffix instead)."""
    return [CLIENT_SESSION_KEY.format(client_id), *(k.format(client_id) for k in CLIENT_RECORD_KEYS),
            *(k.format(sid) for k in SESSION_KEYS for sid in session_ids)]


@dataclass(frozen=True)
class StoredDraft:
    """Any user's draft, for the client's subject-access copy."""

    username: str
    form_key: str
    state: dict[str, Any]
    saved_at: datetime  # aware, UTC


def drafts_about_client(session: Session, client_id: int, session_ids: Sequence[int]) -> list[StoredDraft]:
    """Every user's autosaved drafts holding this client's data, oldest first (one select; the table holds a few
    rows per user)."""
    suffixes = {f":{sid}" for sid in session_ids}
    keys = client_draft_keys(client_id, session_ids)
    rows = session.scalars(select(FormDraft).where(
        FormDraft.form_key.in_(keys) | FormDraft.form_key.startswith(SESSION_REASON_PREFIX, autoescape=True))
        .order_by(FormDraft.saved_at, FormDraft.id))
    found = []
    for row in rows:
        if row.form_key.startswith(SESSION_REASON_PREFIX) and not any(row.form_key.endswith(s) for s in suffixes):
            continue
        view = _view(row)
        found.append(StoredDraft(row.username, row.form_key, view.state, view.saved_at))
    return found


def _view(row: FormDraft) -> FormDraftView:
    try:
        state = json.loads(row.state_json)
    except ValueError:  # a half-written value from an old version: better an empty form than a crash
        state = {}
    return FormDraftView(row.form_key, state if isinstance(state, dict) else {}, from_utc_naive(row.saved_at))

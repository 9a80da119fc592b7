"""The audit trail read as sentences with names: "Dr Maria Brandt (mbrandt) signed session 12 of Zofia Łukasiewicz
(P-1); warnings: Isotretinoin in the last 6 months" rather than `client_id: 94, warnings: [...]`, and "added a front
photo of Zofia Łukasiewicz (P-1), taken 2026-07-01 09:30; sha256 0123…" rather than `photo 7; client_id: 94`.

The stored rows stay as they are (they are chained and sealed); the names are looked up once per page of rows,
for the users, clients, sessions, photos and contraindication codes the page mentions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.models import Client, ContraindicationType, Photo, TreatmentSession, User
from clinic_log.domain.enums import PhotoView
from clinic_log.services.common.clock import from_utc_naive

VERBS = {
    "login": "logged in", "login_refused": "was refused a login as", "password_changed": "changed the password of",
    "password_reset": "reset the password of", "viewed": "opened", "recalled": "ran a recall of",
    "overridden": "signed over a stop on", "taken_over": "took over", "generated": "generated",
}
SELF_EVIDENT_USER = {"login", "login_refused"}  # "mbrandt logged in", not "mbrandt logged in the login mbrandt"
_HASH_SHOWN = 16  # characters of a seal or hash shown in a sentence
_LONG_LIST = 12  # more items than this are counted, not listed (a seal row names thousands of sessions)
PHOTO_SAID = ("view", "taken_at", "client_id", "sha256")  # said by the photo sentence itself, not repeated after it
TIME_FROM = {"exif": "the camera's clock", "file": "the file's date", "capture": "the moment it was captured here",
             "typed": "typed by the user"}


@dataclass(frozen=True)
class PhotoFacts:
    """What a sentence says about a photo: whose, which view, when taken (aware)."""

    client_id: int
    view: str
    taken_at: datetime


@dataclass
class Names:
    """What a page of audit rows mentions, by what the rows store: users by login, clients and sessions by id,
    contraindications by code."""

    users: dict[str, str] = field(default_factory=dict)  # username → full name
    user_ids: dict[int, str] = field(default_factory=dict)  # id → username (user rows are keyed by id)
    clients: dict[int, str] = field(default_factory=dict)  # id → "Zofia Łukasiewicz (P-1)"
    sessions: dict[int, int] = field(default_factory=dict)  # id → client id
    contraindications: dict[str, str] = field(default_factory=dict)  # code → label
    photos: dict[int, PhotoFacts] = field(default_factory=dict)  # id → whose, which view, when

    def user(self, login: str) -> str:
        if login.startswith("cli:"):
            return f"the command line ({login[4:]})"
        full = self.users.get(login)
        return f"{full} ({login})" if full else login

    def client(self, client_id: int) -> str:
        return self.clients.get(client_id, f"client {client_id}")

    def session(self, session_id: int) -> str:
        client_id = self.sessions.get(session_id)
        return f"session {session_id}" + (f" of {self.client(client_id)}" if client_id is not None else "")

    def problem(self, code: str) -> str:
        """A warning or stop code as people read it: the contraindication's label, else the code in words."""
        if code.startswith("contraindication_"):
            label = self.contraindications.get(code.removeprefix("contraindication_"))
            if label:
                return label
        return code.replace("_", " ")


def _as_int(text: object) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return None


def _detail(text: str) -> dict[str, Any] | str:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if isinstance(parsed, dict) else ("" if parsed is None else str(parsed))


def load_names(session: Session, rows: Iterable[tuple[str, str, str | None, str]]) -> Names:
    """The names a page of rows (actor, entity, entity_id, detail) mentions, in one query per kind."""
    logins: set[str] = set()
    client_ids: set[int] = set()
    session_ids: set[int] = set()
    user_ids: set[int] = set()
    photo_ids: set[int] = set()
    for actor, entity, entity_id, detail in rows:
        logins.add(actor)
        key = _as_int(entity_id) if entity_id is not None else None
        if entity == "client" and key is not None:
            client_ids.add(key)
        elif entity == "session" and key is not None:
            session_ids.add(key)
        elif entity == "photo" and key is not None:
            photo_ids.add(key)
        elif entity == "user" and entity_id:
            if (uid := _as_int(entity_id)) is not None:
                user_ids.add(uid)
            else:
                logins.add(entity_id)
        parsed = _detail(detail)
        if isinstance(parsed, dict):
            if (cid := _as_int(parsed.get("client_id"))) is not None:
                client_ids.add(cid)
            if (sid := _as_int(parsed.get("session_id"))) is not None:
                session_ids.add(sid)
    names = Names()
    if user_ids:
        names.user_ids = {uid: login for uid, login in session.execute(
            select(User.id, User.username).where(User.id.in_(user_ids)))}
        logins |= set(names.user_ids.values())
    if logins:
        names.users = {login: full for login, full in session.execute(
            select(User.username, User.full_name).where(User.username.in_(logins)))}
    if photo_ids:
        names.photos = {pid: PhotoFacts(cid, view, from_utc_naive(taken)) for pid, cid, view, taken in session.execute(
            select(Photo.id, Photo.client_id, Photo.view, Photo.taken_at).where(Photo.id.in_(photo_ids)))}
        client_ids |= {facts.client_id for facts in names.photos.values()}
    if session_ids:
        names.sessions = {sid: cid for sid, cid in session.execute(
            select(TreatmentSession.id, TreatmentSession.client_id).where(TreatmentSession.id.in_(session_ids)))}
        client_ids |= set(names.sessions.values())
    if client_ids:
        names.clients = {cid: f"{first} {last} ({ref})".replace("  ", " ") for cid, first, last, ref in session.execute(
            select(Client.id, Client.first_name, Client.last_name, Client.client_ref).where(Client.id.in_(client_ids)))}
    names.contraindications = {code: label for code, label in session.execute(
        select(ContraindicationType.code, ContraindicationType.label))}
    return names


def _value(key: str, value: object, names: Names) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "client_id" and (cid := _as_int(value)) is not None:
        return names.client(cid)
    if key == "session_id" and (sid := _as_int(value)) is not None:
        return names.session(sid)
    if key in ("seal", "hash", "sha256") and isinstance(value, str) and len(value) > _HASH_SHOWN:
        return value[:_HASH_SHOWN] + "…"  # the whole value stays in the stored detail
    if key in ("warnings", "stops") and isinstance(value, list):
        return ", ".join(_problem(item, names) for item in value) or "none"
    if isinstance(value, list):
        if len(value) > _LONG_LIST:
            return f"{len(value)} items"
        return ", ".join(_value(key, v, names) for v in value) or "none"
    if isinstance(value, Mapping):
        if len(value) > _LONG_LIST:
            return f"{len(value)} entries"
        return ", ".join(f"{k} {_value(str(k), v, names)}" for k, v in value.items()) or "none"
    return str(value)


def _problem(item: object, names: Names) -> str:
    """A warning's code, or a stop as stored with who overrode it and why."""
    if isinstance(item, Mapping):
        said = names.problem(str(item.get("code", "")))
        if item.get("by"):
            said += f" (overridden by {names.user(str(item['by']))}: {item.get('reason') or 'no reason'})"
        return said
    return names.problem(str(item))


CHANGES = {"changed", "amended", "updated"}  # actions whose detail holds [old, new] pairs


def _part(action: str, key: str, value: object, names: Names) -> str:
    said = key.removesuffix("_id").replace("_", " ")
    if action in CHANGES and isinstance(value, list) and len(value) == 2:
        before, after = value  # a change stored as [old, new]
        return f"{said} from {_value(key, before, names)} to {_value(key, after, names)}"
    return f"{said}: {_value(key, value, names)}"


def sentence(actor: str, action: str, entity: str, entity_id: str | None, detail: str, names: Names) -> str:
    """One audit row as a sentence: who did what to which record, then its details in words."""
    who = names.user(actor)
    verb = VERBS.get(action, action.replace("_", " "))
    key = _as_int(entity_id) if entity_id is not None else None
    if entity == "photo" and key is not None:
        return _photo_sentence(who, action, key, _detail(detail), names)
    if entity == "client" and key is not None:
        what = f"the record of {names.client(key)}"
    elif entity == "session" and key is not None:
        what = names.session(key)
    elif entity == "user" and entity_id:
        login = names.user_ids.get(key, entity_id) if key is not None else entity_id
        what = "" if action in SELF_EVIDENT_USER and login == actor else f"the login {names.user(login)}"
    else:
        what = " ".join(part for part in (entity.replace("_", " "), entity_id) if part)
    text = " ".join(part for part in (who, verb, what) if part)
    parsed = _detail(detail)
    if isinstance(parsed, dict):
        named_already = entity in ("client", "session")  # the record's client is in `what`
        parts = [_part(action, k, v, names) for k, v in parsed.items() if not (k == "client_id" and named_already)]
        if parts:
            text += "; " + "; ".join(parts)
    elif parsed:
        text += f"; {parsed}"
    return text


def _view_words(view: object) -> str:
    try:
        return PhotoView(str(view)).label.lower()
    except ValueError:
        return str(view)


def _photo_sentence(who: str, action: str, photo_id: int, detail: dict[str, Any] | str, names: Names) -> str:
    """"owner added a front photo of Zofia Łukasiewicz (P-1), taken 2026-07-01 09:30; sha256 0123…; photo 7",
    the view, client and time read from the photo itself (a void row stores only the reason and the hash)."""
    stored = detail if isinstance(detail, dict) else {}
    facts = names.photos.get(photo_id)
    client_id = facts.client_id if facts else _as_int(stored.get("client_id"))
    view = _view_words(facts.view if facts else stored.get("view", "?"))
    taken: datetime | None = facts.taken_at if facts else None
    if taken is None and isinstance(stored.get("taken_at"), str):
        try:
            taken = datetime.fromisoformat(stored["taken_at"])
        except ValueError:
            taken = None
    whose = f" of {names.client(client_id)}" if client_id is not None else ""
    when = f", taken {taken.astimezone():%Y-%m-%d %H:%M}" if taken is not None else ""
    if action == "added":
        text = f"{who} added a{'n' if view[:1] in 'aeiou' else ''} {view} photo{whose}{when}"
    else:
        verb = VERBS.get(action, action.replace("_", " "))
        text = f"{who} {verb} the {view} photo{whose}{when}"
    parts = [f"sha256 {_value('sha256', stored['sha256'], names)}"] if stored.get("sha256") else []
    parts.append(f"photo {photo_id}")
    for key, value in stored.items():
        if key in PHOTO_SAID or value in (None, ""):
            continue
        if key == "use":
            if value != "clinical":
                parts.append(f"for {value} uses as well as the clinical record")
        elif key == "session_id":
            parts.append(f"of session {value}")
        elif key == "taken_at_source":
            parts.append(f"time from {TIME_FROM.get(str(value), str(value))}")
        else:
            parts.append(_part(action, key, value, names))
    if isinstance(detail, str) and detail:
        parts.append(detail)
    return text + "; " + "; ".join(parts)

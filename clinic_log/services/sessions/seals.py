"""Seals: the SHA-256 of a signed session's whole clinical content, carried by the audit row of each act on it.

Signing, countersigning, amending, voiding and importing a session write an audit row whose detail holds
`"seal"`: the hash of the session row (status, client, time, people, device, lot number and expiry, course, skin
response, notes, reasons, signature, countersignature, void, version), its areas, products, complications, the
warnings and stops it was signed over, and its amendments, exactly as stored. The audit row is chained, so the seal
cannot be changed without breaking the chain; `check` recomputes every signed session's seal and compares it with
the newest one the trail holds: a session changed outside the app, or whose sealing audit row was cut away, is
named.

One reader (`seals`) computes seals for a range of session ids from the same Core selects, whether for one
session inside the transaction that seals it or for a million in `check`.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.types import NullType

from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    AuditEntry,
    CartridgeLot,
    Complication,
    SessionArea,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
    table_of,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import SessionStatus
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.sessions.draft_input import OrmReader, Reader

SEAL_KEY = "seal"
# How seals are written: "s1:<sha256 hex>". A later version that seals other content adds "s2" and keeps computing
# "s1" for the seals already in trails and backups; a seal in a format this version does not know is reported.
SEAL_FORMAT = "s1"
_UNKNOWN_FORMAT = b"\xff" * 32
SEALS_KEY = "seals"  # a batch row (demo data, sealing at upgrade): {"<session id>": "<seal>", …}
SEALING_ACTIONS = ("signed", "countersigned", "amended", "voided", "imported", "sealed")
RANGE = 2000  # session ids per read: memory stays flat however many sessions there are

_s = table_of(TreatmentSession)
_lot = table_of(CartridgeLot)
_lo: Any = bindparam("lo")
_hi: Any = bindparam("hi")

def _stored(*columns: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """Columns read as the driver gives them, with no type conversion: a seal is over what is stored (the same
    values on every path that seals or checks), and converting a million dates would be most of `check`'s time.
    Dates and times are read as text on every database (SQLite stores them so; PostgreSQL casts)."""
    return [(cast(c, Text) if isinstance(c.type, Date | DateTime) else type_coerce(c, NullType())).label(f"c{n}")
            for n, c in enumerate(columns)]


_SESSIONS = (
    select(*_stored(_s.c.id, _s.c.status, _s.c.client_id, _s.c.started_at, _s.c.practitioner_id,
                    _s.c.supervisor_id, _s.c.supervisor_presence, _s.c.device_id, _lot.c.lot_number,
                    _lot.c.expires_on, _s.c.course_index, _s.c.course_total, _s.c.skin_response, _s.c.notes,
                    _s.c.warnings_reason, _s.c.signed_by, _s.c.signed_at, _s.c.countersigned_by,
                    _s.c.countersigned_at, _s.c.voided_by, _s.c.voided_at, _s.c.void_reason, _s.c.version))
    .outerjoin(_lot, _lot.c.id == _s.c.cartridge_lot_id)
    .where(_s.c.id.between(_lo, _hi), _s.c.status == SessionStatus.SIGNED.value)
    .order_by(_s.c.id)
)


def _children(model: Any, *columns: str | ColumnElement[Any]) -> Select[Any]:
    table = table_of(model)
    return (select(*_stored(table.c.session_id, *(table.c[c] if isinstance(c, str) else c for c in columns)))
            .where(table.c.session_id.between(_lo, _hi)).order_by(table.c.session_id, table.c.id))


_area = table_of(SessionArea)
# The site, and with it the indication and the tip when either is recorded ("cheeks|acne_scars|"): an area stored
# before they existed (both NULL) seals as it always did, so its seal in the trail still holds (schema 0009).
_SITE_INDICATION_TIP = case(
    (and_(_area.c.indication.is_(None), _area.c.tip.is_(None)), _area.c.area_code),
    else_=_area.c.area_code + "|" + func.coalesce(_area.c.indication, "") + "|" + func.coalesce(_area.c.tip, ""),
)

# Every clinical column of each kind of row (ids are left out: the order by id is kept).
_CHILDREN = (
    _children(SessionArea, _SITE_INDICATION_TIP, "depth_mm", "passes", "technique", "endpoint", "rf_energy"),
    _children(SessionProduct, "name", "contact_minutes", "note"),
    _children(Complication, "code", "grade", "onset_on", "expected", "relatedness", "action", "outcome",
              "resolved_on", "reported", "added_by_amendment"),
    _children(SessionWarning, "code", "message", "reason", "level", "overridden_by", "overridden_at"),
    _children(Amendment, "table_name", "row_id", "field", "old_value", "new_value", "amended_by", "amended_at",
              "reason"),
)


def _digest(content: tuple[Any, ...]) -> bytes:
    """The seal of one session's content: the driver's plain values (str, int, float, bool, None), pickled with
    protocol 5 in fast mode (no memo: the same values give the same bytes whatever objects hold them; floats are
    their exact 8 bytes) and hashed. Pickling is three times faster than repr, most of `check`'s time."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # documented (Pickler.fast); without the memo equal values give equal bytes
    pickler.dump(content)
    return hashlib.sha256(buffer.getbuffer()).digest()


_FIRST = itemgetter(0)
_NONE: list[tuple[Any, ...]] = []


def _grouped(rows: list[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Rows ordered by session id, grouped by it (groupby and itemgetter run in C: a million rows stay cheap)."""
    return {sid: list(group) for sid, group in groupby(rows, _FIRST)}


# What each of _CHILDREN holds, for a caller that knows some hold nothing for its session (`seal_of`'s `empty`).
AREAS, PRODUCTS, COMPLICATIONS, WARNINGS, AMENDMENTS = "areas", "products", "complications", "warnings", "amendments"
_CHILD_NAMES = (AREAS, PRODUCTS, COMPLICATIONS, WARNINGS, AMENDMENTS)


def _seal_digests(reader: Reader, lo: int, hi: int,
                  empty: frozenset[str] = frozenset()) -> Iterator[tuple[int, bytes]]:
    params = {"lo": lo, "hi": hi}
    sessions = reader.tuples(_SESSIONS, params)
    if not sessions:
        return
    areas, *rare = ({} if name in empty else _grouped(reader.tuples(statement, params))
                    for name, statement in zip(_CHILD_NAMES, _CHILDREN, strict=True))
    with_rare = set().union(*rare)  # most sessions have no products, complications, warnings or amendments
    none_rare = (_NONE,) * len(rare)
    for row in sessions:
        sid = row[0]
        tail = tuple(group.get(sid, _NONE) for group in rare) if sid in with_rare else none_rare
        yield sid, _digest((row, areas.get(sid, _NONE), *tail))


def seals(reader: Reader, lo: int, hi: int) -> Iterator[tuple[int, str]]:
    """(session id, seal) of every signed session with an id in lo..hi, in id order."""
    for sid, digest in _seal_digests(reader, lo, hi):
        yield sid, f"{SEAL_FORMAT}:{digest.hex()}"


def seals_of(reader: Reader, session_ids: list[int]) -> dict[int, str]:
    """The seals of many signed sessions just written (an import), read in ranges of ids."""
    wanted = set(session_ids)
    found: dict[int, str] = {}
    if not wanted:
        return found
    for start in range(min(wanted), max(wanted) + 1, RANGE):
        found.update((sid, seal) for sid, seal in seals(reader, start, start + RANGE - 1) if sid in wanted)
    return found


def seal_range(db: Database, session: Session, actor: Actor, lo: int, hi: int, why: str) -> int:
    """Seal every signed session with an id in lo..hi in batch audit rows ("sealed", one per range of ids), for
    sessions written in bulk (demo data) or stored before seals existed (at the upgrade that brings them).
    Returns how many sessions were sealed."""
    reader = OrmReader(session)
    events = []
    count = 0
    for start in range(lo, hi + 1, RANGE):
        batch = {str(sid): seal for sid, seal in seals(reader, start, min(start + RANGE - 1, hi))}
        if batch:
            count += len(batch)
            events.append(AuditEvent("sealed", "session", None, {SEALS_KEY: batch, "why": why}))
    audit.record_many(db, session, actor, events)
    return count


def seal_sessions(db: Database, session: Session, actor: Actor, session_ids: list[int], why: str) -> int:
    """Seal these signed sessions as they are stored now, in batch audit rows ("sealed") saying why: sessions a
    schema upgrade moved (their content changed by the upgrade, not by anyone). Returns how many were sealed."""
    found = seals_of(OrmReader(session), sorted(session_ids))
    ordered = sorted(found.items())
    events = [AuditEvent("sealed", "session", None,
                         {SEALS_KEY: {str(sid): seal for sid, seal in ordered[at:at + RANGE]}, "why": why})
              for at in range(0, len(ordered), RANGE)]
    audit.record_many(db, session, actor, events)
    return len(ordered)


def matching_their_seals(reader: Reader, session_ids: list[int]) -> set[int]:
    """Of these signed sessions, the ones whose stored content matches their newest seal in the audit trail."""
    recorded = recorded_seals(reader)
    return {sid for sid, seal in seals_of(reader, sorted(session_ids)).items()
            if 0 < sid * 32 < len(recorded) and recorded[sid * 32:sid * 32 + 32] == bytes.fromhex(seal[3:])}


def seal_of(reader: Reader, session_id: int, empty: frozenset[str] = frozenset()) -> str:
    """The seal of one signed session as stored now (inside the transaction that is about to audit it). `empty`
    names kinds of rows the caller knows the session has none of (signing a draft: amendments, and products or
    complications when it has none), whose selects are then skipped; the seal is the same."""
    found = next(_seal_digests(reader, session_id, session_id, empty), None)
    if found is None:
        raise ValueError(f"session {session_id} is not signed: only signed sessions are sealed")
    return f"{SEAL_FORMAT}:{found[1].hex()}"


_SEAL_ROWS = (select(table_of(AuditEntry).c.id, table_of(AuditEntry).c.entity_id,
                     table_of(AuditEntry).c.detail)
              .where(table_of(AuditEntry).c.entity == "session",
                     or_(*(table_of(AuditEntry).c.action == action for action in SEALING_ACTIONS)),
                     table_of(AuditEntry).c.id.between(_lo, _hi))
              .order_by(table_of(AuditEntry).c.id))
_AUDIT_MAX = select(table_of(AuditEntry).c.id).order_by(table_of(AuditEntry).c.id.desc()).limit(1)
_SESSION_MAX = select(_s.c.id).order_by(_s.c.id.desc()).limit(1)
AUDIT_RANGE = 20_000


def recorded_seals(reader: Reader) -> bytearray:
    """The newest seal the audit trail holds for each session: 32 bytes per session id (zeros: none)."""
    top = reader.scalars(_SESSION_MAX)
    table = bytearray(32 * ((top[0] if top else 0) + 1))
    last = reader.scalars(_AUDIT_MAX)
    for start in range(1, (last[0] if last else 0) + 1, AUDIT_RANGE):
        for _, entity_id, detail in reader.tuples(_SEAL_ROWS, {"lo": start, "hi": start + AUDIT_RANGE - 1}):
            if SEAL_KEY not in detail and SEALS_KEY not in detail:
                continue
            parsed = json.loads(detail)
            found = parsed.get(SEALS_KEY) or {}
            if isinstance(parsed.get(SEAL_KEY), str) and entity_id is not None:
                found = {entity_id: parsed[SEAL_KEY]}
            for key, seal in found.items():
                sid = int(key)
                if 0 < sid * 32 < len(table):
                    form, _, digest = str(seal).partition(":")
                    try:
                        value = bytes.fromhex(digest) if form == SEAL_FORMAT and len(digest) == 64 else None
                    except ValueError:
                        value = None
                    table[sid * 32:sid * 32 + 32] = value or _UNKNOWN_FORMAT
    return table


def verify_seals(db: Database, limit: int = 20) -> list[str]:
    """Every signed session whose content no longer matches its newest seal, or that no audit row seals (the row
    was cut away): at most `limit`, in session order, then one line with how many more."""

    def work(reader: Reader) -> list[str]:
        recorded = recorded_seals(reader)
        problems: list[str] = []
        more = 0
        empty = bytes(32)
        top = len(recorded) // 32 - 1
        view = memoryview(recorded)
        for start in range(1, top + 1, RANGE):
            for sid, digest in _seal_digests(reader, start, start + RANGE - 1):
                at = sid * 32
                if view[at:at + 32] == digest:
                    continue
                held = bytes(view[at:at + 32])
                if len(problems) >= limit:
                    more += 1
                    continue
                problems.append(f"session {sid}: " + (
                    "signed, but no audit row seals it (audit rows were removed)" if held == empty else
                    "its seal is in a format this version of Clinic Log does not know" if held == _UNKNOWN_FORMAT
                    else "its stored content no longer matches its seal in the audit trail (changed outside the app)"))
        if more:
            problems.append(f"… and {more} more sessions")
        return problems

    return db.read_direct(work)

"""Read sessions: one in full, or a filtered page of rows for lists (filtered and sorted in SQL)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Boolean, ColumnElement, Select, and_, case, exists, func, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from clinic_log.db import dialect
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    Area,
    CartridgeLot,
    Client,
    Complication,
    ComplicationType,
    Device,
    DeviceModel,
    DeviceTip,
    Indication,
    Practitioner,
    SessionArea,
    SessionOverride,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
)
from clinic_log.domain.errors import NotFound
from clinic_log.services.common.clock import from_utc_naive, in_period, to_utc_naive
from clinic_log.services.common.text_match import words_in
from clinic_log.services.sessions.session_filter import (  # apart, so the UI imports them without SQLAlchemy
    SIGNED_OVER_STOP,
    Choice,
    FilterChoices,
    PageKey,
    SessionFilter,
)
from clinic_log.services.sessions.session_filter import local_day_bounds as local_day_bounds  # re-exported
from clinic_log.services.sessions.session_views import (
    AmendmentView,
    AreaView,
    ComplicationView,
    OverrideView,
    ProductView,
    SessionDetail,
    SessionRow,
    WarningView,
)

# A complication code with at least this many rows is common enough that walking sessions newest first and
# probing the (code, session_id) index finds a page sooner than collecting and sorting every match
# (1M sessions: erythema, 11k matches, 24 → 11 ms; granuloma, 1k matches, stays at 3 ms the other way).
COMMON_COMPLICATION_ROWS = 4000
TEXT_WALK_ROWS = 20_000  # a notes search walks this many of the newest sessions by index, then scans
# Up to this many full-text matches, a notes search tests just those sessions; a commoner word is found sooner
# by the walk below (100k sessions, 1.8k matches: 24 ms testing each, 13 ms walking).
TEXT_INDEX_CAP = 500



def filter_choices(db: Database) -> FilterChoices:
    with db.reading() as session:
        practitioners = tuple(Choice(i, n) for i, n in session.execute(
            select(Practitioner.id, Practitioner.full_name).order_by(Practitioner.full_name)))
        devices = tuple(Choice(i, f"{m} ({serial})") for i, serial, m in session.execute(
            select(Device.id, Device.serial, DeviceModel.name)
            .join(DeviceModel, DeviceModel.id == Device.device_model_id).order_by(DeviceModel.name, Device.serial)))
        areas = tuple(Choice(c, label) for c, label in session.execute(
            select(Area.code, Area.label).order_by(Area.label)))
        complications = tuple(Choice(c, label) for c, label in session.execute(
            select(ComplicationType.code, ComplicationType.label).order_by(ComplicationType.label)))
    return FilterChoices(practitioners, devices, areas, complications)


class NotesContain(ColumnElement[bool]):
    """Case-insensitive "contains". SQLite's LIKE already ignores ASCII case, and its lower() folds nothing
    more, so the ILIKE rendering (lower() on both sides, per row) only costs time there: 1M notes, 300 → 85 ms."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: ColumnElement[Any] | InstrumentedAttribute[Any], text: str) -> None:
        self.column = column
        self.pattern = dialect.contains_pattern(text)


@compiles(NotesContain)
def _contains_default(element: NotesContain, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.ilike(element.pattern, escape="\\"), **kw)


@compiles(NotesContain, "sqlite")
def _contains_sqlite(element: NotesContain, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.like(element.pattern, escape="\\"), **kw)


_Stmt = TypeVar("_Stmt", bound=Select[*tuple[Any, ...]])


def _complication_condition(flt: SessionFilter) -> ColumnElement[bool]:
    k = Complication
    conditions: list[ColumnElement[bool]] = [k.session_id == TreatmentSession.id]
    if flt.complication_code is not None:
        conditions.append(k.code == flt.complication_code)
    if flt.min_grade is not None:
        conditions.append(k.grade >= flt.min_grade)
    return and_(*conditions)


def _complication_ids(flt: SessionFilter) -> Select[Any]:
    k = Complication
    stmt = select(k.session_id)
    if flt.complication_code is not None:
        stmt = stmt.where(k.code == flt.complication_code)
    if flt.min_grade is not None:
        stmt = stmt.where(k.grade >= flt.min_grade)
    return stmt


def _client_matches(typed: str) -> ColumnElement[bool] | None:
    """The clients a typed client filter means: the one whose reference it is (any case) when there is one —
    "d-0000021" is not also D-00000210 — else every client with each typed word in their name or reference."""
    words = words_in(Client.search_key, typed)
    if words is None:
        return None
    ref = func.lower(Client.client_ref)
    exact = typed.strip().lower()
    named = aliased(Client)
    is_a_ref = exists().where(func.lower(named.client_ref) == exact)
    return case((is_a_ref, ref == exact), else_=words)


def _conditions(flt: SessionFilter, *, probe_complications: bool,
                with_complication: bool = True) -> list[ColumnElement[bool]]:
    s = TreatmentSession
    conditions: list[ColumnElement[bool]] = []
    if flt.client_id is not None:
        conditions.append(s.client_id == flt.client_id)
    if flt.client is not None and (matching := _client_matches(flt.client)) is not None:
        conditions.append(s.client_id.in_(select(Client.id).where(matching)))  # then (client_id, started_at)
    if flt.practitioner_id is not None:
        conditions.append(s.practitioner_id == flt.practitioner_id)
    if flt.device_id is not None:
        conditions.append(s.device_id == flt.device_id)
    conditions += in_period(s.started_at, flt.started_from, flt.started_before)
    if flt.status is not None:
        conditions.append(s.status == flt.status)
    if flt.signed_over is not None:
        w = SessionWarning
        conditions.append(s.status == "signed")
        if flt.signed_over == SIGNED_OVER_STOP:  # few: the (level, session_id) index gives their ids at once
            conditions.append(s.id.in_(select(w.session_id).where(w.level == "stop")))
        else:
            conditions.append(exists().where(w.session_id == s.id))
    # Every area is common: walk sessions newest first (or within the date range) and probe the
    # (area_code, session_id) index.
    if flt.area_code is not None:
        conditions.append(exists().where(SessionArea.session_id == s.id, SessionArea.area_code == flt.area_code))
    if with_complication and flt.has_complication_filter:
        if probe_complications:
            conditions.append(exists().where(_complication_condition(flt)))
        else:  # rare: build the id set once instead of probing for every session walked
            conditions.append(s.id.in_(_complication_ids(flt)))
    if flt.text:
        conditions.append(NotesContain(s.notes, flt.text))
    return conditions


def _filtered(stmt: _Stmt, flt: SessionFilter, *, probe_complications: bool = False) -> _Stmt:
    conditions = _conditions(flt, probe_complications=probe_complications)
    return stmt.where(and_(*conditions)) if conditions else stmt


def _complication_rows(session: Session, flt: SessionFilter) -> int | None:
    """How many rows the complication filter (code and grade together) matches, counted from the index up to
    COMMON_COMPLICATION_ROWS (so it stays cheap); None without a complication filter. A grade alone, or a common
    code with a grade nobody had, may match nothing: walking a million sessions to prove that would take
    seconds, so only a real count decides."""
    if not flt.has_complication_filter:
        return None
    capped = _complication_ids(flt).limit(COMMON_COMPLICATION_ROWS).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


def page_ids_statement(session: Session, flt: SessionFilter, limit: int,
                       after: PageKey | None = None) -> Select[Any] | None:
    """The SQL for one page of ids, newest first, continuing after `after` (keyset paging: a deep page costs
    what the first one does, unlike OFFSET); None when no session can match (a complication nobody had)."""
    s = TreatmentSession
    complications = _complication_rows(session, flt)
    if complications == 0:
        return None
    common = complications is not None and complications >= COMMON_COMPLICATION_ROWS
    stmt = _filtered(select(s.id), flt, probe_complications=common)
    if after is not None:
        stmt = stmt.where(tuple_(s.started_at, s.id) < tuple_(to_utc_naive(after.started_at), after.id))
    return stmt.order_by(s.started_at.desc(), s.id.desc()).limit(limit)


def _text_page_ids(session: Session, flt: SessionFilter, limit: int, after: PageKey | None) -> list[int]:
    """A notes search. Where SQLite's full-text index finds at most TEXT_INDEX_CAP sessions, only those are
    tested. Otherwise (a common word, or PostgreSQL) in two steps. Walking the date index newest first finds
    a common word at once but reads the table in index order, one random lookup per session: a word in no note
    took 1.8 s on 1M sessions. So the walk covers only the newest TEXT_WALK_ROWS sessions; if the page is not
    full by then, the older sessions are read in table order (no index on the sort key: a sequential scan,
    then a top-N sort)."""
    s = TreatmentSession
    walk = page_ids_statement(session, flt, limit, after)
    if walk is None:
        return []
    assert flt.text is not None
    indexed = dialect.notes_matches(session, flt.text, TEXT_INDEX_CAP)
    if indexed is not None:  # few sessions mention it: test only those (the page's LIKE keeps the exact meaning)
        return list(session.scalars(walk.where(dialect.in_ids(session, s.id, indexed)))) if indexed else []
    bound_stmt = select(s.started_at, s.id)
    if after is not None:
        bound_stmt = bound_stmt.where(tuple_(s.started_at, s.id) < tuple_(to_utc_naive(after.started_at), after.id))
    bound = session.execute(bound_stmt.order_by(s.started_at.desc(), s.id.desc())
                            .offset(TEXT_WALK_ROWS - 1).limit(1)).first()
    if bound is None:  # fewer sessions than that left: the walk is short anyway
        return list(session.scalars(walk))
    ids: list[int] = list(session.scalars(walk.where(tuple_(s.started_at, s.id) >= tuple_(bound[0], bound[1]))))
    if len(ids) == limit:
        return ids
    unindexed = func.coalesce(s.started_at, s.started_at)  # same order, but no index can serve it
    older = (_filtered(select(s.id), flt).where(tuple_(unindexed, s.id) < tuple_(bound[0], bound[1]))
             .order_by(unindexed.desc(), s.id.desc()).limit(limit - len(ids)))
    return ids + list(session.scalars(older))


def list_sessions(db: Database, flt: SessionFilter = SessionFilter(), limit: int = 200,
                  after: PageKey | None = None) -> list[SessionRow]:
    """Newest first; `after` continues below the previous page's last row."""
    with db.reading() as session:
        if flt.text:
            ids = _text_page_ids(session, flt, limit, after)
        else:
            page = page_ids_statement(session, flt, limit, after)
            ids = [] if page is None else list(session.scalars(page))
        return rows_for_ids(session, ids)


def count_statement(flt: SessionFilter) -> Select[Any]:
    """COUNT of matching sessions. With a complication filter the count is driven from the complications
    index (a few thousand rows) instead of testing a million sessions against the id set."""
    s = TreatmentSession
    if not flt.has_complication_filter:
        return _filtered(select(func.count()).select_from(s), flt)
    matched = _complication_ids(flt).distinct().subquery()
    others = _conditions(flt, probe_complications=False, with_complication=False)
    if not others:
        return select(func.count()).select_from(matched)
    stmt = select(func.count()).select_from(matched).join(s, s.id == matched.c.session_id)
    return stmt.where(and_(*others))


def count_sessions(db: Database, flt: SessionFilter = SessionFilter()) -> int:
    with db.reading() as session:
        stmt = count_statement(flt)
        indexed = dialect.notes_matches(session, flt.text, TEXT_INDEX_CAP) if flt.text else None
        if indexed is not None:
            stmt = stmt.where(dialect.in_ids(session, TreatmentSession.id, indexed))
        return session.scalar(stmt) or 0

def rows_for_ids(session: Session, ids: list[int]) -> list[SessionRow]:
    """Display rows for the given session ids, in the same order."""
    if not ids:
        return []
    s = TreatmentSession
    area_list = (select(dialect.group_concat(session, SessionArea.area_code))
                 .where(SessionArea.session_id == s.id).scalar_subquery())
    comp_count = select(func.count(Complication.id)).where(Complication.session_id == s.id).scalar_subquery()
    stmt = (
        select(s.id, s.started_at, Client.client_ref, Client.first_name, Client.last_name, Practitioner.full_name,
               DeviceModel.name, area_list, comp_count, case((s.voided_at.is_not(None), "void"), else_=s.status))
        .join(Client, Client.id == s.client_id)
        .join(Practitioner, Practitioner.id == s.practitioner_id)
        .outerjoin(Device, Device.id == s.device_id)
        .outerjoin(DeviceModel, DeviceModel.id == Device.device_model_id)
        .where(dialect.in_ids(session, s.id, ids))
    )
    by_id = {
        r[0]: SessionRow(r[0], from_utc_naive(r[1]), r[2], f"{r[3]} {r[4]}", r[5], r[6],
                         (r[7] or "").replace(",", ", "), r[8] or 0, r[9])
        for r in session.execute(stmt)
    }
    return [by_id[i] for i in ids if i in by_id]

def get_session(db: Database, session_id: int) -> SessionDetail:
    with db.reading() as session:
        return session_detail(session, session_id)

def session_detail(session: Session, session_id: int) -> SessionDetail:
    row = session.get(TreatmentSession, session_id)
    if row is None:
        raise NotFound("session", session_id)
    client = session.get(Client, row.client_id)
    practitioner = session.get(Practitioner, row.practitioner_id)
    assert client is not None and practitioner is not None  # foreign keys guarantee both
    supervisor = session.get(Practitioner, row.supervisor_id) if row.supervisor_id else None
    device = session.get(Device, row.device_id) if row.device_id else None
    lot = session.get(CartridgeLot, row.cartridge_lot_id) if row.cartridge_lot_id else None
    model = device.model if device else None
    areas = tuple(
        AreaView(a.id, a.area_code, label, a.depth_mm, a.passes, a.technique, a.endpoint, a.rf_energy,
                 a.indication, indication_label, a.tip, tip_label, model.name if model else None,
                 model.energy_unit if model else None)
        for a, label, indication_label, tip_label in session.execute(
            select(SessionArea, Area.label, Indication.label, DeviceTip.label)
            .join(Area, Area.code == SessionArea.area_code)
            .outerjoin(Indication, Indication.code == SessionArea.indication)
            .outerjoin(DeviceTip, and_(DeviceTip.code == SessionArea.tip,
                                       DeviceTip.model_id == (model.id if model else None)))
            .where(SessionArea.session_id == session_id).order_by(SessionArea.id))
    )
    products = tuple(ProductView(p.name, p.contact_minutes, p.note) for p in session.scalars(
        select(SessionProduct).where(SessionProduct.session_id == session_id).order_by(SessionProduct.id)))
    comps = tuple(
        ComplicationView(c.id, c.code, label, c.grade, c.onset_on, c.expected, c.relatedness, c.action, c.outcome,
                         c.resolved_on, c.reported, c.added_by_amendment)
        for c, label in session.execute(
            select(Complication, ComplicationType.label)
            .join(ComplicationType, ComplicationType.code == Complication.code)
            .where(Complication.session_id == session_id).order_by(Complication.id))
    )
    warnings = tuple(WarningView(w.code, w.message, w.reason, w.level, w.overridden_by) for w in session.scalars(
        select(SessionWarning).where(SessionWarning.session_id == session_id).order_by(SessionWarning.id)))
    overrides = tuple(
        OverrideView(o.code, o.message, o.reason, o.overridden_by, from_utc_naive(o.overridden_at), o.version)
        for o in session.scalars(select(SessionOverride).where(SessionOverride.session_id == session_id)
                                 .order_by(SessionOverride.id)))
    amendments = tuple(
        AmendmentView(a.table_name, a.row_id, a.field, a.old_value, a.new_value, a.amended_by,
                      from_utc_naive(a.amended_at), a.reason)
        for a in session.scalars(select(Amendment).where(Amendment.session_id == session_id).order_by(Amendment.id))
    )
    return SessionDetail(
        id=row.id, status=row.status, started_at=from_utc_naive(row.started_at), client_id=client.id,
        client_ref=client.client_ref, client_name=f"{client.first_name} {client.last_name}",
        client_date_of_birth=client.date_of_birth, practitioner_id=practitioner.id,
        practitioner_name=practitioner.full_name, supervisor_id=row.supervisor_id,
        supervisor_name=supervisor.full_name if supervisor else None, supervisor_presence=row.supervisor_presence,
        device_id=row.device_id, device_model=device.model.name if device else None,
        device_serial=device.serial if device else None, modality=device.model.modality if device else None,
        lot_number=lot.lot_number if lot else None, lot_expires=lot.expires_on if lot else None,
        course_index=row.course_index, course_total=row.course_total, skin_response=row.skin_response,
        notes=row.notes, signed_by=row.signed_by,
        signed_at=from_utc_naive(row.signed_at) if row.signed_at else None,
        countersigned_by=row.countersigned_by,
        countersigned_at=from_utc_naive(row.countersigned_at) if row.countersigned_at else None,
        areas=areas, products=products, complications=comps, warnings=warnings, amendments=amendments,
        created_by=row.created_by, created_at=from_utc_naive(row.created_at), voided_by=row.voided_by,
        voided_at=from_utc_naive(row.voided_at) if row.voided_at else None, void_reason=row.void_reason,
        version=row.version, overrides=overrides,
    )

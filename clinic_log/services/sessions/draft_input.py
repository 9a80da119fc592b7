"""A stored session and the facts its re-check needs, read with a few selects inside the writing transaction.

Signing re-checks a draft, saving a draft compares with what is stored, and an amendment re-checks the signed session
with the change applied, all from `load_record`; signing reads through `load_draft`, which also locks the audit chain.

Signing re-assesses the draft with the same rules as logging. Building the full `SessionDetail` view and then
looking each fact up again (client, practitioner, supervisor, device, lot, every area, every complication
type, consent, setting) took ~25 statements through the ORM. Here one joined select reads the session row,
one row per treated area (with the area's reference range), with its client, people, device, model, lot,
latest consent, the consent-validity setting and the audit chain's head; one more reads both practitioners'
credentials. Products, complications (with whether their type exists), the client's findings, decisions and
stored warnings are read only when the first select's EXISTS probes say there are any (most drafts have none).

Reference data comes only for the codes the draft uses: the rules look areas and complication types up by
code, and the foreign keys guarantee every stored code exists, so no cache is needed (one that another
workstation could make stale). Should a code be missing anyway, the full lists are read so the error text
("one of …") stays exactly what logging the entry would show.

The selects are Core constructs run through the signing transaction's driver connection (db/driver.py): signing
is the write a practitioner waits on, and SQLAlchemy's per-statement machinery was a third of its time. They only
fetch: each fact is read from the columns services/sessions/facts.py names and built by its builders, as on the form and
in the import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Executable, Select

from clinic_log.db.driver import DriverTransaction
from clinic_log.db.models import (
    Area,
    CartridgeLot,
    Client,
    ClientDecision,
    Complication,
    ComplicationType,
    Consent,
    Device,
    DeviceModel,
    Finding,
    Indication,
    Practitioner,
    SessionArea,
    SessionOverride,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
    User,
    table_of,
)
from clinic_log.domain.enums import Level, SessionStatus
from clinic_log.domain.errors import ChangedMeanwhile, InvalidValue, NotFound, RecordLocked
from clinic_log.domain.rules import SessionFacts
from clinic_log.domain.signing import Override, ProblemKey
from clinic_log.domain.values import (
    AreaInput,
    AreaRef,
    ComplicationInput,
    IndicationRef,
    ProductInput,
    SessionInput,
)
from clinic_log.services.common.audit import CHAIN_HEAD, GENESIS
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.facts import Prefixed

_s = table_of(TreatmentSession)
_client = table_of(Client)
_prac = table_of(Practitioner).alias("prac")
_sup = table_of(Practitioner).alias("sup")
_device = table_of(Device)
_model = table_of(DeviceModel)
_lot = table_of(CartridgeLot)
_consent = table_of(Consent)
_areas = table_of(SessionArea)
_area = table_of(Area)
_indication = table_of(Indication)
_products = table_of(SessionProduct)
_comps = table_of(Complication)
_comp_type = table_of(ComplicationType)
_finding = table_of(Finding)
_decision = table_of(ClientDecision)
_warnings = table_of(SessionWarning)
_overrides = table_of(SessionOverride)
_user = table_of(User)
_user_prac = table_of(Practitioner).alias("user_prac")

_Rows = Sequence[Any]  # db/driver.py rows: named tuples


def _draft_select() -> Select[Any]:
    latest_consent = (select(_consent.c.signed_on).where(_consent.c.client_id == _s.c.client_id,
                                                         _consent.c.purpose == facts.TREATMENT_CONSENT)
                      .order_by(_consent.c.signed_on.desc()).limit(1).scalar_subquery())
    # Whether each kind of child row exists: most drafts have no products, complications or stored warnings and
    # most clients no findings, so a probe here saves a statement round trip for each that is empty.
    has = {
        "has_products": exists().where(_products.c.session_id == _s.c.id),
        "has_complications": exists().where(_comps.c.session_id == _s.c.id),
        "has_warnings": exists().where(_warnings.c.session_id == _s.c.id),
        "has_findings": exists().where(_finding.c.client_id == _s.c.client_id),
        "has_decisions": exists().where(_decision.c.client_id == _s.c.client_id),
        "has_overrides": exists().where(_overrides.c.session_id == _s.c.id, _overrides.c.version == _s.c.version),
    }
    return (
        select(
            _s.c.id, _s.c.status, _s.c.client_id, _s.c.practitioner_id, _s.c.supervisor_id, _s.c.started_at,
            _s.c.supervisor_presence, _s.c.device_id, _s.c.course_index, _s.c.course_total, _s.c.skin_response,
            _s.c.notes, _s.c.warnings_reason, _s.c.version, _s.c.created_by, _s.c.voided_by,
            _s.c.countersigned_by,
            *facts.columns(_client, facts.CLIENT_FIELDS, "c_"),
            *facts.columns(_prac, facts.PERSON_FIELDS, "p_"), *facts.columns(_sup, facts.PERSON_FIELDS, "sup_"),
            _device.c.id.label("d_id"), _device.c.serial, _device.c.in_service,
            *facts.columns(_model, facts.MODEL_FIELDS, "m_"), _model.c.id.label("model_id"),
            *facts.columns(_lot, facts.LOT_FIELDS, "lot_"),
            latest_consent.label("consent_on"), facts.CONSENT_VALIDITY_VALUE.label("consent_validity"),
            *(probe.label(name) for name, probe in has.items()),
            CHAIN_HEAD.label("audit_head"),
            # The acting login, re-read with the draft (services/common/authority.py judges it): NULLs without one.
            _user.c.id.label("u_id"), _user.c.active.label("u_active"), _user.c.role.label("u_role"),
            _user.c.practitioner_id.label("u_practitioner_id"), _user_prac.c.active.label("u_practitioner_active"),
            # One row per treated area (one with NULLs when there is none), each with its reference range.
            _areas.c.id.label("a_id"), _areas.c.area_code, _areas.c.depth_mm, _areas.c.passes, _areas.c.technique,
            _areas.c.endpoint, _areas.c.rf_energy, *facts.columns(_area, facts.AREA_FIELDS, "ar_"),
            # Why the area was treated (with the indication's own range) and the tip used: NULLs when not recorded.
            _areas.c.indication, _areas.c.tip, *facts.columns(_indication, facts.INDICATION_FIELDS, "ind_"),
        )
        .select_from(_s)
        .outerjoin(_client, _client.c.id == _s.c.client_id)
        .outerjoin(_prac, _prac.c.id == _s.c.practitioner_id)
        .outerjoin(_sup, _sup.c.id == _s.c.supervisor_id)
        .outerjoin(_device, _device.c.id == _s.c.device_id)
        .outerjoin(_model, _model.c.id == _device.c.device_model_id)
        .outerjoin(_lot, _lot.c.id == _s.c.cartridge_lot_id)
        .outerjoin(_areas, _areas.c.session_id == _s.c.id)
        .outerjoin(_area, _area.c.code == _areas.c.area_code)
        .outerjoin(_indication, _indication.c.code == _areas.c.indication)
        .outerjoin(_user, _user.c.id == bindparam("uid"))
        .outerjoin(_user_prac, _user_prac.c.id == _user.c.practitioner_id)
        .where(_s.c.id == bindparam("sid"))
        .order_by(_areas.c.id)
    )


# The facts' columns in the wide rows of `_DRAFT` (and `_COMPLICATIONS`), read out for the builders.
_CLIENT = Prefixed(facts.CLIENT_FIELDS, "c_")
_PERSON = Prefixed(facts.PERSON_FIELDS, "p_")
_SUPERVISOR = Prefixed(facts.PERSON_FIELDS, "sup_")
_MODEL = Prefixed(facts.MODEL_FIELDS, "m_")
_LOT = Prefixed(facts.LOT_FIELDS, "lot_")
_AREA = Prefixed(facts.AREA_FIELDS, "ar_")
_INDICATION = Prefixed(facts.INDICATION_FIELDS, "ind_")
_COMPLICATION_TYPE = Prefixed(facts.COMPLICATION_TYPE_FIELDS, "type_")

# Built once: statements are immutable, and the same object hits SQLAlchemy's compiled cache at once.
_DRAFT = _draft_select()
_PRODUCTS = (select(_products.c.name, _products.c.contact_minutes, _products.c.note)
             .where(_products.c.session_id == bindparam("sid")).order_by(_products.c.id))
_COMPLICATIONS = (select(_comps.c.code, _comps.c.grade, _comps.c.onset_on, _comps.c.expected, _comps.c.relatedness,
                         _comps.c.action, _comps.c.outcome, _comps.c.resolved_on, _comps.c.reported,
                         *facts.columns(_comp_type, facts.COMPLICATION_TYPE_FIELDS, "type_"))
                  .outerjoin(_comp_type, _comp_type.c.code == _comps.c.code)
                  .where(_comps.c.session_id == bindparam("sid")).order_by(_comps.c.id))
_STORED_WARNINGS = (select(_warnings.c.code, _warnings.c.message, _warnings.c.level)
                    .where(_warnings.c.session_id == bindparam("sid")).order_by(_warnings.c.id))
_OVERRIDES = (select(_overrides.c.code, _overrides.c.message, _overrides.c.reason, _overrides.c.overridden_by,
                     _overrides.c.overridden_at)
              .where(_overrides.c.session_id == bindparam("sid"), _overrides.c.version == bindparam("version"))
              .order_by(_overrides.c.id))

_ALL_AREAS = select(*facts.columns(_area, facts.AREA_FIELDS))
_ALL_INDICATIONS = select(*facts.columns(_indication, facts.INDICATION_FIELDS))
_ALL_COMPLICATION_CODES = select(*facts.columns(_comp_type, facts.COMPLICATION_TYPE_FIELDS))


class Reader(Protocol):
    """Runs a prepared select: the signing transaction's driver connection, or an ORM session (`OrmReader`)."""

    def rows(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[Any]: ...

    def scalars(self, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> list[Any]: ...

    def tuples(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]: ...


class OrmReader:
    """The same selects inside an open ORM transaction (rows have the same attribute access and `_asdict`)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def rows(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[Any]:
        return list(self._session.execute(cast(Executable, statement), dict(params)).all())

    def scalars(self, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> list[Any]:
        return [row[0] for row in self.rows(statement, params or {})]

    def tuples(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.rows(statement, params)]


@dataclass(frozen=True)
class Login:
    """A user row as authority.judge reads it."""

    active: bool
    role: str
    practitioner_id: int | None
    practitioner_active: bool | None


@dataclass(frozen=True)
class StoredSession:
    """A stored session as the entry it was typed from, with everything the rules need to check it again."""

    session_id: int
    status: SessionStatus
    version: int
    practitioner_id: int
    created_by: str
    voided_by: str | None
    countersigned_by: str | None
    warnings_reason: str | None
    stored: frozenset[ProblemKey]  # the warnings and stops stored with it (signed, or a draft saved with a reason)
    overrides: Mapping[ProblemKey, Override]  # stops overridden on this version of a draft
    audit_head: str  # the audit chain's newest hash (read under the chain's lock only through `load_draft`)
    entry: SessionInput
    facts: SessionFacts
    area_ids: tuple[int, ...] = ()  # the stored row of each of entry.areas, in the same order
    login: Login | None = None  # the acting user's row as it stands now (asked for by `user_id`), or None

    @property
    def has_stored_warnings(self) -> bool:
        return bool(self.stored)

    def expect_version(self, version: int | None) -> None:
        """Refuse when the caller read another version than the one stored (None: the caller read it just now)."""
        if version is not None and version != self.version:
            raise ChangedMeanwhile(
                f"session {self.session_id} was changed meanwhile (another save, signature or amendment): nothing "
                "was written; look at it again before you save, sign or amend it")


DraftToSign = StoredSession  # what signing reads


def load_draft(transaction: DriverTransaction, session_id: int, user_id: int | None = None) -> StoredSession:
    """The draft `session_id` inside the signing transaction, with the audit chain locked and its head read.

    Refused as reading it for a full check would be: missing → NotFound, signed → RecordLocked, device out of
    service → InvalidValue.
    """
    transaction.lock_audit_chain()  # before the head is read (a no-op on SQLite: BEGIN IMMEDIATE holds the lock)
    record = load_record(transaction, session_id, user_id)
    if record.status is not SessionStatus.DRAFT:
        raise RecordLocked(f"session {session_id} is signed: it cannot be changed, only amended with a reason")
    return record


def load_record(reader: Reader, session_id: int, user_id: int | None = None) -> StoredSession:
    """The session `session_id` (draft or signed) as its entry and facts, and the login `user_id` as it stands
    (one select fewer for signing); NotFound when there is none."""
    rows = reader.rows(_DRAFT, {"sid": session_id, "uid": user_id})
    if not rows:
        raise NotFound("session", session_id)
    row = rows[0]
    if row.c_id is None:
        raise NotFound("client", row.client_id)
    if row.p_id is None:
        raise NotFound("practitioner", row.practitioner_id)
    if row.supervisor_id is not None and row.sup_id is None:
        raise NotFound("practitioner", row.supervisor_id)
    device_model = None
    if row.device_id is not None:
        if row.d_id is None:
            raise NotFound("device", row.device_id)
        if not row.in_service and row.status == SessionStatus.DRAFT:
            raise InvalidValue("device", row.serial, "a device that is in service")
        # The model's tips are read only when an area records one: the rules look at them for nothing else.
        tips = reader.rows(facts.TIPS_OF, {"mid": row.model_id}) if any(r.tip for r in rows) else ()
        device_model = facts.device_model_ref_of(_MODEL(row), tips)

    area_rows = [r for r in rows if r.a_id is not None]
    product_rows = reader.rows(_PRODUCTS, {"sid": session_id}) if row.has_products else []
    comp_rows = reader.rows(_COMPLICATIONS, {"sid": session_id}) if row.has_complications else []
    credentials: dict[int, list[Any]] = {row.practitioner_id: []}
    if row.supervisor_id is not None:
        credentials[row.supervisor_id] = []
    for c in reader.rows(facts.CREDENTIALS_OF, {"pid": row.practitioner_id, "sup": row.supervisor_id}):
        credentials[c.practitioner_id].append(c)
    findings = reader.rows(facts.FINDINGS_OF, {"cid": row.client_id}) if row.has_findings else ()
    decisions = reader.rows(facts.DECISIONS_OF, {"cid": row.client_id}) if row.has_decisions else ()
    stored = frozenset((w.code, w.message) for w in reader.rows(_STORED_WARNINGS, {"sid": session_id})
                       if w.level in (Level.WARNING, Level.STOP)) if row.has_warnings else frozenset()
    overrides = {(o.code, o.message): Override(o.reason, o.overridden_by, o.overridden_at)
                 for o in reader.rows(_OVERRIDES, {"sid": session_id, "version": row.version})
                 } if row.has_overrides else {}

    entry = SessionInput(
        client_id=row.client_id, practitioner_id=row.practitioner_id, started_at=from_utc_naive(row.started_at),
        device_id=row.device_id, cartridge_lot=row.lot_lot_number, lot_expires=row.lot_expires_on,
        supervisor_id=row.supervisor_id, supervisor_presence=row.supervisor_presence,
        areas=tuple(AreaInput(a.area_code, a.depth_mm, a.passes, a.technique, a.endpoint, a.rf_energy,
                              a.indication, a.tip)
                    for a in area_rows),
        products=tuple(ProductInput(p.name, p.contact_minutes, p.note) for p in product_rows),
        complications=tuple(ComplicationInput(c.code, c.grade, c.onset_on, c.expected, c.relatedness, c.action,
                                              c.outcome, c.resolved_on, c.reported) for c in comp_rows),
        course_index=row.course_index, course_total=row.course_total, skin_response=row.skin_response,
        notes=row.notes,
    )
    session_facts = facts.session_facts(
        client=facts.client_facts_of(_CLIENT(row), findings, row.consent_on, decisions),
        practitioner=facts.practitioner_facts_of(_PERSON(row), credentials[row.practitioner_id]),
        supervisor=None if row.supervisor_id is None
        else facts.practitioner_facts_of(_SUPERVISOR(row), credentials[row.supervisor_id]),
        device_model=device_model,
        areas=_area_refs(reader, area_rows),
        indications=_indication_refs(reader, area_rows),
        complication_codes=_complication_codes(reader, comp_rows),
        consent_validity=row.consent_validity,
        lot=facts.lot_facts_of(row.lot_lot_number, _LOT(row) if row.lot_lot_number is not None else None),
    )
    return StoredSession(row.id, SessionStatus(row.status), row.version, row.practitioner_id, row.created_by,
                         row.voided_by, row.countersigned_by, row.warnings_reason, stored, overrides,
                         row.audit_head or GENESIS, entry, session_facts, tuple(a.a_id for a in area_rows),
                         None if row.u_id is None else Login(bool(row.u_active), row.u_role, row.u_practitioner_id,
                                                             row.u_practitioner_active))


def _area_refs(reader: Reader, area_rows: _Rows) -> dict[str, AreaRef]:
    """The areas the session records; every one only when a stored code is missing (not reachable while foreign
    keys hold; it keeps the error's list of allowed codes exactly what logging the entry would show)."""
    if any(a.ar_code is None for a in area_rows):
        return {a.code: facts.area_ref_of(a) for a in reader.rows(_ALL_AREAS, {})}
    return {a.ar_code: facts.area_ref_of(_AREA(a)) for a in area_rows}


def _indication_refs(reader: Reader, area_rows: _Rows) -> dict[str, IndicationRef]:
    """The indications the areas record; every one only when a stored code is missing (as for areas)."""
    if any(a.indication is not None and a.ind_code is None for a in area_rows):
        return {i.code: facts.indication_ref_of(i) for i in reader.rows(_ALL_INDICATIONS, {})}
    return {a.ind_code: facts.indication_ref_of(_INDICATION(a)) for a in area_rows if a.ind_code is not None}


def _complication_codes(reader: Reader, comp_rows: _Rows) -> dict[str, int]:
    """The complication types the session records; every one only when a code is missing (as for areas)."""
    if any(c.type_code is None for c in comp_rows):
        return facts.complication_codes_of(reader.rows(_ALL_COMPLICATION_CODES, {}))
    return facts.complication_codes_of(_COMPLICATION_TYPE(c) for c in comp_rows)

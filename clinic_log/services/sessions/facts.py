"""The facts the clinical rules need (domain/rules.py `SessionFacts`): the columns each is read from, one builder
per fact that turns a row of those columns into its domain value, and the ORM-session loaders.

Three loaders fetch these rows: `for_entry` and the lists below (the form, saving, the reference lists), the stored
draft's driver selects (draft_input.py: signing, amendments) and the import's bulk cache (importer.py). They only
select the columns named here (Core selects, which run in an ORM session or on the driver connection alike) and
call the builders, so a new rule fact is one builder edit here plus, at most, its columns.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, FromClause, bindparam, func, or_, select
from sqlalchemy.orm import Session

from clinic_log.db.models import (
    Area,
    CartridgeLot,
    Client,
    ClientDecision,
    ComplicationType,
    Consent,
    ContraindicationType,
    Credential,
    Device,
    DeviceModel,
    DeviceTip,
    Finding,
    Indication,
    Practitioner,
    Setting,
    User,
    table_of,
)
from clinic_log.domain.enums import AppliesTo, ConsentPurpose, DecisionKind, Modality, PractitionerRole, Severity
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.rules import SessionFacts
from clinic_log.domain.values import (
    AreaRef,
    ClientFacts,
    CredentialFacts,
    DecisionFacts,
    DeviceModelRef,
    FindingFacts,
    IndicationRef,
    LotFacts,
    PractitionerFacts,
    SessionInput,
    TipRef,
)
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.settings import CONSENT_VALIDITY

AREA = table_of(Area)
INDICATION = table_of(Indication)
TIP = table_of(DeviceTip)
MODEL = table_of(DeviceModel)
PRACTITIONER = table_of(Practitioner)
CLIENT = table_of(Client)
LOT = table_of(CartridgeLot)
COMPLICATION_TYPE = table_of(ComplicationType)
_device = table_of(Device)
_cred = table_of(Credential)
_finding = table_of(Finding)
_ci_type = table_of(ContraindicationType)
_decision = table_of(ClientDecision)
_closer = table_of(User).alias("closer")
_consent = table_of(Consent)
TREATMENT_CONSENT = ConsentPurpose.TREATMENT.value  # the only consent the session rules look at
_setting = table_of(Setting)

# --- the columns each fact is read from ------------------------------------------------------------------------
# A loader selects them from the table (or an alias of it), under a prefix when one select reads several
# (`columns(alias, PERSON_FIELDS, "sup_")`), and hands the builder those columns (`Prefixed(PERSON_FIELDS, "sup_")`).

AREA_FIELDS = ("code", "label", "region", "usual_min_mm", "usual_max_mm", "rf_min_mm", "rf_max_mm")
INDICATION_FIELDS = ("code", "label", "default_site", "usual_min_mm", "usual_max_mm", "rf_min_mm", "rf_max_mm")
TIP_FIELDS = ("code", "label", "min_depth_mm", "max_depth_mm", "region")
MODEL_FIELDS = ("name", "modality", "min_depth_mm", "max_depth_mm", "min_age", "energy_unit")
PERSON_FIELDS = ("id", "username", "full_name", "role", "needs_supervision", "depth_cap_mm")
CLIENT_FIELDS = ("id", "client_ref", "fitzpatrick", "date_of_birth")
COMPLICATION_TYPE_FIELDS = ("code", "max_grade")
LOT_FIELDS = ("lot_number", "expires_on")


def columns(table: FromClause, fields: Sequence[str], prefix: str = "") -> list[ColumnElement[Any]]:
    """`table`'s columns `fields`, each labelled `prefix` + its name when a prefix is given."""
    return [table.c[name].label(prefix + name) if prefix else table.c[name] for name in fields]


class Prefixed:
    """Reads the columns `fields` that one wide select read under `prefix` (`sup_full_name`) out of its rows, as a
    row of their plain names (`full_name`) for a builder. Made once per select (a C getter and a named tuple)."""

    __slots__ = ("_get", "_make")

    def __init__(self, fields: Sequence[str], prefix: str) -> None:
        assert len(fields) > 1
        self._get = attrgetter(*(prefix + name for name in fields))
        row_type: Any = namedtuple("Row", fields)  # type: ignore[misc]  # the fields are only known at run time
        self._make = row_type._make

    def __call__(self, row: Any) -> Any:
        return self._make(self._get(row))


CREDENTIAL_COLUMNS = (_cred.c.practitioner_id, _cred.c.kind, _cred.c.number, _cred.c.expires_on, _cred.c.required)
FINDING_COLUMNS = (_finding.c.client_id, _finding.c.code, _ci_type.c.label, _ci_type.c.severity, _finding.c.noted_on,
                   _finding.c.ends_on, _ci_type.c.window, _finding.c.cleared_by, _finding.c.clearance_note,
                   _ci_type.c.modality)
DECISION_COLUMNS = (_decision.c.client_id, _decision.c.id, _decision.c.kind, _decision.c.reason,
                    _decision.c.decided_by_name, _decision.c.decided_at, _decision.c.review_on,
                    _decision.c.referred_to, _decision.c.alternative, _decision.c.closed_at, _decision.c.closed_by,
                    _decision.c.close_note, _closer.c.full_name.label("closer_name"))

# Prepared selects every loader may run (bind parameters, no IN lists: they also run on the driver connection).
CREDENTIALS_OF = (select(*CREDENTIAL_COLUMNS)
                  .where(or_(_cred.c.practitioner_id == bindparam("pid"), _cred.c.practitioner_id == bindparam("sup")))
                  .order_by(_cred.c.id))
_FINDINGS = select(*FINDING_COLUMNS).join(_ci_type, _ci_type.c.code == _finding.c.code)
FINDINGS_OF = _FINDINGS.where(_finding.c.client_id == bindparam("cid")).order_by(_finding.c.noted_on, _finding.c.id)
# the client page's lines: the same facts plus what the page shows beside them
FINDING_LINES_OF = FINDINGS_OF.add_columns(_finding.c.id, _finding.c.note, _finding.c.cleared_at)
_DECISIONS = select(*DECISION_COLUMNS).outerjoin(_closer, _closer.c.username == _decision.c.closed_by)
DECISIONS_OF = (_DECISIONS.where(_decision.c.client_id == bindparam("cid"))
                .order_by(_decision.c.decided_at, _decision.c.id))
TIPS_OF = (select(*columns(TIP, TIP_FIELDS)).where(TIP.c.model_id == bindparam("mid"))
           .order_by(TIP.c.max_depth_mm, TIP.c.id))
CONSENT_VALIDITY_VALUE = select(_setting.c.value).where(_setting.c.key == CONSENT_VALIDITY.key).scalar_subquery()


# --- builders: a row of the columns above → the domain value -----------------------------------------------------


def area_ref_of(row: Any) -> AreaRef:
    return AreaRef(row.code, row.label, row.region, row.usual_min_mm, row.usual_max_mm, row.rf_min_mm, row.rf_max_mm)


def indication_ref_of(row: Any) -> IndicationRef:
    return IndicationRef(row.code, row.label, row.default_site, row.usual_min_mm, row.usual_max_mm, row.rf_min_mm,
                         row.rf_max_mm)


def tip_ref_of(row: Any) -> TipRef:
    return TipRef(row.code, row.label, row.min_depth_mm, row.max_depth_mm, row.region)


def device_model_ref_of(row: Any, tips: Iterable[Any] = ()) -> DeviceModelRef:
    """A device model with its tips (rows of TIP_FIELDS, narrowest first)."""
    return DeviceModelRef(row.name, Modality(row.modality), row.min_depth_mm, row.max_depth_mm, row.min_age,
                          row.energy_unit, tuple(tip_ref_of(t) for t in tips))


def credential_facts_of(row: Any) -> CredentialFacts:
    return CredentialFacts(row.kind, row.number, row.expires_on, row.required)


def practitioner_facts_of(row: Any, credentials: Iterable[Any]) -> PractitionerFacts:
    """A practitioner (PERSON_FIELDS) with their credentials (rows of CREDENTIAL_COLUMNS)."""
    return PractitionerFacts(row.id, row.username, row.full_name, PractitionerRole(row.role), row.needs_supervision,
                             row.depth_cap_mm, tuple(credential_facts_of(c) for c in credentials))


def finding_facts_of(row: Any) -> FindingFacts:
    return FindingFacts(row.code, row.label, Severity(row.severity), row.noted_on, row.ends_on, row.window,
                        row.cleared_by, row.clearance_note, AppliesTo(row.modality))


def decision_facts_of(row: Any) -> DecisionFacts:
    """A decision (DECISION_COLUMNS); who closed it by their name when the record knows it, else their login."""
    closed = row.closed_at is not None
    return DecisionFacts(row.id, DecisionKind(row.kind), row.reason, row.decided_by_name,
                         from_utc_naive(row.decided_at), row.review_on, row.referred_to, row.alternative,
                         from_utc_naive(row.closed_at) if closed else None,
                         (row.closer_name or row.closed_by) if closed else None, row.close_note)


def client_facts_of(row: Any, findings: Iterable[Any], consent_on: date | None,
                    decisions: Iterable[Any]) -> ClientFacts:
    """A client (CLIENT_FIELDS) with their findings, latest consent and decisions (rows, in the order to keep)."""
    return ClientFacts(row.id, row.client_ref, row.fitzpatrick, tuple(finding_facts_of(f) for f in findings),
                       consent_on, row.date_of_birth, tuple(decision_facts_of(d) for d in decisions))


def lot_facts_of(number: str | None, stored: Any | None) -> LotFacts | None:
    """The typed lot as the record knows it (`stored`: its row of LOT_COLUMNS, None when unknown); None untyped."""
    if not number:
        return None
    return LotFacts(number, stored is not None, None if stored is None else stored.expires_on)


def complication_codes_of(rows: Iterable[Any]) -> dict[str, int]:
    """Each complication type's code and its highest CTCAE v5 grade."""
    return {row.code: row.max_grade for row in rows}


def session_facts(*, client: ClientFacts, practitioner: PractitionerFacts, supervisor: PractitionerFacts | None,
                  device_model: DeviceModelRef | None, areas: Mapping[str, AreaRef],
                  indications: Mapping[str, IndicationRef], complication_codes: Mapping[str, int],
                  consent_validity: str | None, lot: LotFacts | None) -> SessionFacts:
    """Everything the rules look at for one session (`consent_validity`: the stored setting, None if unset)."""
    return SessionFacts(client=client, practitioner=practitioner, supervisor=supervisor, device_model=device_model,
                        areas=areas, complication_codes=complication_codes,
                        consent_validity=CONSENT_VALIDITY.value(consent_validity), lot=lot, indications=indications)


# --- loaders inside an open ORM session ----------------------------------------------------------------------------


def area_refs(session: Session) -> dict[str, AreaRef]:
    return {row.code: area_ref_of(row) for row in session.execute(select(*columns(AREA, AREA_FIELDS)))}


def indication_refs(session: Session) -> dict[str, IndicationRef]:
    """Why areas are treated (acne scars, stretch marks…), each with its own range where it has one."""
    return {row.code: indication_ref_of(row)
            for row in session.execute(select(*columns(INDICATION, INDICATION_FIELDS)).order_by(INDICATION.c.label))}


def complication_codes(session: Session) -> dict[str, int]:
    """Each complication type's code and its highest CTCAE v5 grade."""
    return complication_codes_of(session.execute(select(*columns(COMPLICATION_TYPE, COMPLICATION_TYPE_FIELDS))))


def device_model_refs(session: Session) -> dict[str, DeviceModelRef]:
    """Every device model with its tips and energy unit, by name."""
    tips: dict[int, list[Any]] = defaultdict(list)
    for tip in session.execute(select(TIP.c.model_id, *columns(TIP, TIP_FIELDS))
                               .order_by(TIP.c.model_id, TIP.c.max_depth_mm, TIP.c.id)):
        tips[tip.model_id].append(tip)
    return {row.name: device_model_ref_of(row, tips.get(row.id, ()))
            for row in session.execute(select(MODEL.c.id, *columns(MODEL, MODEL_FIELDS)))}


def device_models_by_name(session: Session) -> dict[str, DeviceModel]:
    return {m.name: m for m in session.scalars(select(DeviceModel))}


def practitioners(session: Session, practitioner_id: int | None = None) -> dict[int, PractitionerFacts]:
    """Every practitioner's facts by id, or only `practitioner_id`'s."""
    people = select(*columns(PRACTITIONER, PERSON_FIELDS))
    credentials = select(*CREDENTIAL_COLUMNS).order_by(_cred.c.id)
    if practitioner_id is not None:
        people = people.where(PRACTITIONER.c.id == practitioner_id)
        credentials = credentials.where(_cred.c.practitioner_id == practitioner_id)
    held: dict[int, list[Any]] = defaultdict(list)
    for credential in session.execute(credentials):
        held[credential.practitioner_id].append(credential)
    return {row.id: practitioner_facts_of(row, held.get(row.id, ())) for row in session.execute(people)}


def practitioner_facts(session: Session, practitioner_id: int) -> PractitionerFacts:
    found = practitioners(session, practitioner_id).get(practitioner_id)
    if found is None:
        raise NotFound("practitioner", practitioner_id)
    return found


def clients(session: Session, client_id: int | None = None) -> dict[int, ClientFacts]:
    """Every client's facts by id (the import's cache), or only `client_id`'s."""
    people = select(*columns(CLIENT, CLIENT_FIELDS))
    findings = _FINDINGS.order_by(_finding.c.client_id, _finding.c.noted_on, _finding.c.id)
    decisions = _DECISIONS.order_by(_decision.c.client_id, _decision.c.decided_at, _decision.c.id)
    consents = (select(_consent.c.client_id, func.max(_consent.c.signed_on).label("signed_on"))
                .where(_consent.c.purpose == TREATMENT_CONSENT))  # a photo consent is no consent to treatment
    if client_id is not None:
        people = people.where(CLIENT.c.id == client_id)
        findings = findings.where(_finding.c.client_id == client_id)
        decisions = decisions.where(_decision.c.client_id == client_id)
        consents = consents.where(_consent.c.client_id == client_id)
    found: dict[int, list[Any]] = defaultdict(list)
    for finding in session.execute(findings):
        found[finding.client_id].append(finding)
    decided: dict[int, list[Any]] = defaultdict(list)
    for decision in session.execute(decisions):
        decided[decision.client_id].append(decision)
    latest = {row.client_id: row.signed_on for row in session.execute(consents.group_by(_consent.c.client_id))}
    return {row.id: client_facts_of(row, found.get(row.id, ()), latest.get(row.id), decided.get(row.id, ()))
            for row in session.execute(people)}


def client_facts(session: Session, client_id: int) -> ClientFacts:
    found = clients(session, client_id).get(client_id)
    if found is None:
        raise NotFound("client", client_id)
    return found


def client_decisions(session: Session, client_id: int) -> tuple[DecisionFacts, ...]:
    """Every decision recorded for the client, oldest first."""
    return tuple(decision_facts_of(row) for row in session.execute(DECISIONS_OF, {"cid": client_id}))


def for_entry(session: Session, entry: SessionInput) -> SessionFacts:
    """The facts for an entry being typed or saved (the form's live check, `log_session`, `save_draft`).

    NotFound for a client, practitioner, supervisor or device that is not on record; InvalidValue for a device out
    of service."""
    client = client_facts(session, entry.client_id)
    practitioner = practitioner_facts(session, entry.practitioner_id)
    supervisor = practitioner_facts(session, entry.supervisor_id) if entry.supervisor_id else None
    device_model = None
    if entry.device_id is not None:
        device = session.execute(select(_device.c.serial, _device.c.in_service, MODEL.c.id,
                                        *columns(MODEL, MODEL_FIELDS))
                                 .join(MODEL, MODEL.c.id == _device.c.device_model_id)
                                 .where(_device.c.id == entry.device_id)).first()
        if device is None:
            raise NotFound("device", entry.device_id)
        if not device.in_service:
            raise InvalidValue("device", device.serial, "a device that is in service")
        device_model = device_model_ref_of(device, session.execute(TIPS_OF, {"mid": device.id}))
    lot = None
    if entry.cartridge_lot:
        lot = session.execute(select(*columns(LOT, LOT_FIELDS)).where(LOT.c.lot_number == entry.cartridge_lot)).first()
    return session_facts(
        client=client, practitioner=practitioner, supervisor=supervisor, device_model=device_model,
        areas=area_refs(session), indications=indication_refs(session),
        complication_codes=complication_codes(session),
        consent_validity=session.scalar(select(CONSENT_VALIDITY_VALUE)), lot=lot_facts_of(entry.cartridge_lot, lot),
    )

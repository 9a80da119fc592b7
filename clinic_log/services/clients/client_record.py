"""Everything the client page shows in one read: details, consultation lines, findings, consent, suitability,
decisions (open ones first); a client's decisions by reference (the CLI's `decisions`); and the audit of who opened
which client's record (GDPR Art. 15: "who accessed my record")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, ContraindicationType, MedicalHistoryEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import AppliesTo, Severity
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.suitability import Suitability, assess_suitability
from clinic_log.domain.values import DecisionFacts, FindingFacts
from clinic_log.services.clients.clients import ClientView, view_of
from clinic_log.services.clients.consents import ConsentStatus, consent_status_in
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.decisions import open_then_closed


@dataclass(frozen=True)
class ContraindicationKind:
    """One contraindication of the clinic's reference list."""

    code: str
    label: str
    severity: Severity
    window: str | None  # time-bound ones ("6m", "14d") take an end / "stopped on" date
    modality: AppliesTo = AppliesTo.BOTH  # which treatments it concerns

    @property
    def time_bound(self) -> bool:
        return self.window is not None


@dataclass(frozen=True)
class HistoryLine:
    id: int
    kind: str
    text: str
    noted_on: date


@dataclass(frozen=True)
class FindingLine:
    id: int
    kind: ContraindicationKind
    noted_on: date
    ends_on: date | None
    note: str | None
    cleared_by: str | None
    cleared_at: datetime | None
    clearance_note: str | None
    facts: FindingFacts  # what the rules read, built by the one builder in sessions/facts.py


@dataclass(frozen=True)
class ClientRecord:
    client: ClientView
    history: tuple[HistoryLine, ...]
    findings: tuple[FindingLine, ...]
    consent: ConsentStatus
    suitability: Suitability
    on: date
    decisions: tuple[DecisionFacts, ...] = ()  # every one: those open on `on` first, then the closed ones

    @property
    def open_decisions(self) -> tuple[DecisionFacts, ...]:
        """The deferrals, alternatives and referrals open on `on`."""
        return tuple(d for d in self.decisions if d.open_on(self.on))

    def history_of(self, kind: str) -> tuple[HistoryLine, ...]:
        return tuple(h for h in self.history if h.kind == kind)


def contraindication_kinds(db: Database) -> list[ContraindicationKind]:
    """The reference list: absolute ones first, then relative, each in the order of their labels."""
    with db.reading() as session:
        rows = session.scalars(select(ContraindicationType))
        kinds = [ContraindicationKind(r.code, r.label, Severity(r.severity), r.window,
                                      AppliesTo(r.modality)) for r in rows]
    return sorted(kinds, key=lambda k: (k.severity is not Severity.ABSOLUTE, k.label.casefold()))


def client_record(db: Database, client_id: int, on: date) -> ClientRecord:
    """The client's record as of `on` (suitability and consent are judged for that day)."""
    with db.reading() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        history = tuple(HistoryLine(h.id, h.kind, h.text, h.noted_on) for h in session.scalars(
            select(MedicalHistoryEntry).where(MedicalHistoryEntry.client_id == client_id)
            .order_by(MedicalHistoryEntry.noted_on, MedicalHistoryEntry.id)))
        findings = tuple(
            FindingLine(row.id, ContraindicationKind(row.code, row.label, Severity(row.severity), row.window,
                                                     AppliesTo(row.modality)), row.noted_on,
                        row.ends_on, row.note, row.cleared_by,
                        from_utc_naive(row.cleared_at) if row.cleared_at else None, row.clearance_note,
                        facts.finding_facts_of(row))
            for row in session.execute(facts.FINDING_LINES_OF, {"cid": client_id}))
        consent = consent_status_in(session, client_id, on)
        view = view_of(client)
        decisions = open_then_closed(facts.client_decisions(session, client_id), on)
    suitability = assess_suitability(tuple(f.facts for f in findings), view.fitzpatrick, on)
    return ClientRecord(view, history, findings, consent, suitability, on, decisions)


VIEWED = "viewed"


def audit_viewed(db: Database, actor: Actor, client_id: int, where: str) -> None:
    """Record that `actor` opened this client's record (`where`: the client page, their timeline…): one insert.
    Called once per opening, not on every refresh of a page already showing the record."""
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(VIEWED, "client", str(client_id),
                                                                         {"where": where})))


@dataclass(frozen=True)
class ClientDecisions:
    client_id: int
    client_ref: str
    decisions: tuple[DecisionFacts, ...]  # those open on the day asked first, then the closed ones


def client_decisions(db: Database, actor: Actor, client_ref: str, on: date, where: str) -> ClientDecisions:
    """Every decision recorded for the client with this reference, for `actor` reading them (`where`: e.g. the
    CLI's `decisions`): the reading is audited like opening the client's record."""
    if not client_ref.strip():
        raise InvalidValue("client reference", client_ref, "the client's reference, e.g. P-1001")
    with db.reading() as session:
        client_id = session.scalar(select(Client.id).where(Client.client_ref == client_ref))
        if client_id is None:
            raise NotFound("client", client_ref)
        decisions = open_then_closed(facts.client_decisions(session, client_id), on)
    audit_viewed(db, actor, client_id, where)
    return ClientDecisions(client_id, client_ref, decisions)


def open_client_record(db: Database, actor: Actor, client_id: int, on: date, where: str = "client page"
                       ) -> ClientRecord:
    """The client's record as `client_record`, for `actor` opening it: the opening is audited."""
    record = client_record(db, client_id, on)
    audit_viewed(db, actor, client_id, where)
    return record

"""Subject-access export: everything stored about one client (GDPR art. 15), as JSON and as a PDF summary.

The JSON holds every row of every table that belongs to the client: their record, medical history,
contraindication findings, consents (signature images base64), sessions with their areas, products,
complications, warnings and amendments, and the audit entries about the client or their sessions.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Amendment,
    AuditEntry,
    Base,
    Client,
    Complication,
    Consent,
    Finding,
    MedicalHistoryEntry,
    SessionArea,
    SessionProduct,
    SessionWarning,
    TreatmentSession,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.services import audit
from clinic_log.services.audit import AuditEvent
from clinic_log.services.authority import authorize
from clinic_log.services.clock import from_utc_naive, utcnow
from clinic_log.services.files import atomic_target

SUBJECT_FORMATS = ("json", "pdf")
SESSION_CHILDREN: tuple[Any, ...] = (SessionArea, SessionProduct, Complication, SessionWarning, Amendment)


@dataclass(frozen=True)
class SubjectAccessData:
    client_id: int
    client_ref: str
    client_name: str
    generated_at: datetime  # aware UTC
    tables: dict[str, list[dict[str, Any]]]  # table name → rows (column → JSON-ready value)


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return from_utc_naive(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _row(obj: Base) -> dict[str, Any]:
    return {attr.columns[0].name: _value(getattr(obj, attr.key)) for attr in obj.__mapper__.column_attrs}


def _rows(session: Session, model: type[Any], *where: Any) -> list[dict[str, Any]]:
    return [_row(obj) for obj in session.scalars(select(model).where(*where).order_by(model.id))]


def find_client_id(session: Session, client_ref: str) -> int:
    client_id = session.scalar(select(Client.id).where(Client.client_ref == client_ref))
    if client_id is None:
        raise NotFound("client", client_ref)
    return client_id


def collect_client_data(db: Database, actor: Actor, client_ref: str) -> SubjectAccessData:
    authorize(db, actor, "export data")
    with db.reading() as session:
        client_id = find_client_id(session, client_ref)
        client = session.get(Client, client_id)
        assert client is not None
        tables: dict[str, list[dict[str, Any]]] = {"clients": [_row(client)]}
        for model in (MedicalHistoryEntry, Finding, Consent, TreatmentSession):
            tables[model.__tablename__] = _rows(session, model, model.client_id == client_id)
        session_ids = [row["id"] for row in tables["sessions"]]
        for child in SESSION_CHILDREN:
            tables[child.__tablename__] = _rows(session, child, child.session_id.in_(session_ids))
        about = or_(
            (AuditEntry.entity == "client") & (AuditEntry.entity_id.in_([str(client_id), client.client_ref])),
            (AuditEntry.entity == "session") & (AuditEntry.entity_id.in_([str(i) for i in session_ids])),
        )
        tables[AuditEntry.__tablename__] = _rows(session, AuditEntry, about)
        return SubjectAccessData(client_id, client.client_ref, f"{client.first_name} {client.last_name}",
                                 from_utc_naive(utcnow()), tables)


def subject_access_json(data: SubjectAccessData) -> str:
    return json.dumps({"client_ref": data.client_ref, "client_name": data.client_name,
                       "generated_at": data.generated_at.isoformat(), "tables": data.tables},
                      ensure_ascii=False, indent=2)


def export_client(db: Database, actor: Actor, client_ref: str, fmt: str, out: Path) -> SubjectAccessData:
    """Write the client's data as JSON or a PDF summary (atomically) and audit it."""
    authorize(db, actor, "export data")
    if fmt not in SUBJECT_FORMATS:
        raise InvalidValue("format", fmt, "one of " + ", ".join(SUBJECT_FORMATS))
    data = collect_client_data(db, actor, client_ref)
    with atomic_target(out) as tmp:
        if fmt == "json":
            tmp.write_text(subject_access_json(data) + "\n", encoding="utf-8")
        else:
            from clinic_log.reports.subject_access_pdf import build_subject_access_pdf  # reportlab: loaded late

            tmp.write_bytes(build_subject_access_pdf(data.client_ref, data.client_name, data.generated_at,
                                                     data.tables))
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "exported", "client", str(data.client_id),
        {"kind": "subject access", "format": fmt, "file": out.name,
         "rows": sum(len(rows) for rows in data.tables.values())})))
    return data

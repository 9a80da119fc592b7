"""A client's timeline: every session, oldest first, with the depth used per area and the course position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Area,
    Client,
    Complication,
    Device,
    DeviceModel,
    DeviceTip,
    Indication,
    Practitioner,
    SessionArea,
    TreatmentSession,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.values import area_name, energy_text, tip_name
from clinic_log.services.clients.client_record import audit_viewed
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive


@dataclass(frozen=True)
class TimelineArea:
    area_code: str  # the body site
    label: str  # the site with the indication beside it: "Cheeks — acne scars (atrophic)"
    depth_mm: float
    passes: int
    indication: str | None = None
    tip: str | None = None  # "Morpheus8 Facial (24 pins) tip"
    energy: str | None = None  # "30 level"


@dataclass(frozen=True)
class TimelineSession:
    id: int
    started_at: datetime
    practitioner: str
    device: str | None
    status: str
    course_index: int | None
    course_total: int | None
    areas: tuple[TimelineArea, ...]
    complications: int

    @property
    def course_text(self) -> str:
        """"2 of 4", "2", or "" when no course position was recorded."""
        if self.course_index is None:
            return ""
        return f"{self.course_index} of {self.course_total}" if self.course_total else str(self.course_index)


@dataclass(frozen=True)
class ClientTimeline:
    client_id: int
    client_ref: str
    client_name: str
    sessions: tuple[TimelineSession, ...]

    def depth_series(self) -> dict[str, list[tuple[datetime, float]]]:
        """Area label → [(session start, depth mm)], oldest first: one line per area on the chart."""
        series: dict[str, list[tuple[datetime, float]]] = {}
        for s in self.sessions:
            for a in s.areas:
                series.setdefault(a.label, []).append((s.started_at, a.depth_mm))
        return series


def client_timeline(db: Database, actor: Actor, client_id: int) -> ClientTimeline:
    """Uses the (client_id, started_at) index: a client's few dozen sessions whatever the database size."""
    authorize(db, actor, Permission.VIEW_SESSIONS)
    s = TreatmentSession
    with db.reading() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        rows = session.execute(
            select(s.id, s.started_at, Practitioner.full_name, DeviceModel.name, s.status, s.course_index,
                   s.course_total)
            .join(Practitioner, Practitioner.id == s.practitioner_id)
            .outerjoin(Device, Device.id == s.device_id)
            .outerjoin(DeviceModel, DeviceModel.id == Device.device_model_id)
            .where(s.client_id == client_id).order_by(s.started_at, s.id)).all()
        ids = [r[0] for r in rows]
        areas: dict[int, list[TimelineArea]] = {}
        for sid, code, label, depth, passes, indication, why, tip, tip_label, energy, model, unit in session.execute(
                select(SessionArea.session_id, SessionArea.area_code, Area.label, SessionArea.depth_mm,
                       SessionArea.passes, SessionArea.indication, Indication.label, SessionArea.tip,
                       DeviceTip.label, SessionArea.rf_energy, DeviceModel.name, DeviceModel.energy_unit)
                .join(Area, Area.code == SessionArea.area_code)
                .join(s, s.id == SessionArea.session_id)
                .outerjoin(Indication, Indication.code == SessionArea.indication)
                .outerjoin(Device, Device.id == s.device_id)
                .outerjoin(DeviceModel, DeviceModel.id == Device.device_model_id)
                .outerjoin(DeviceTip, and_(DeviceTip.model_id == DeviceModel.id, DeviceTip.code == SessionArea.tip))
                .where(SessionArea.session_id.in_(ids)).order_by(SessionArea.id)):
            areas.setdefault(sid, []).append(TimelineArea(
                code, area_name(label, why), depth, passes, indication,
                None if tip is None else tip_name(model, tip_label or tip),
                None if energy is None else energy_text(energy, unit)))
        complications: dict[int, int] = {}
        for (sid,) in session.execute(select(Complication.session_id).where(Complication.session_id.in_(ids))):
            complications[sid] = complications.get(sid, 0) + 1
        sessions = tuple(
            TimelineSession(sid, from_utc_naive(started), practitioner, device, status, k, n,
                            tuple(areas.get(sid, ())), complications.get(sid, 0))
            for sid, started, practitioner, device, status, k, n in rows)
        timeline = ClientTimeline(client.id, client.client_ref, f"{client.first_name} {client.last_name}", sessions)
    audit_viewed(db, actor, client_id, "timeline")  # who looked at which client's record (GDPR Art. 15)
    return timeline


def client_id_for_session(db: Database, session_id: int) -> int:
    with db.reading() as session:
        client_id = session.scalar(select(TreatmentSession.client_id).where(TreatmentSession.id == session_id))
    if client_id is None:
        raise NotFound("session", session_id)
    return client_id

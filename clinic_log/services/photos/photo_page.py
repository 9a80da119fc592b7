"""What the client page's photos and the add-photos dialog read: the client's photos with the session number of
each, the photo consents' state, many thumbnails by id in one query, and what a new photo may be attached to
(the client's sessions with their areas, the reference areas, and whether photos for other uses may be added)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, Photo, PhotoBlob, SessionArea, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.domain.permissions import Permission
from clinic_log.services.clients.consents import VALID, ConsentStatus, consent_status_in
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.photos.photos import PhotoInfo, client_id_of, list_photos


@dataclass(frozen=True)
class SessionChoice:
    """One of the client's sessions a photo may belong to, with the areas treated in it."""

    id: int
    started_at: datetime  # aware, UTC
    number: int | None  # its number in the course ("session 2"), when recorded
    areas: tuple[str, ...]

    @property
    def label(self) -> str:
        number = f" · session {self.number}" if self.number else ""
        return f"{self.started_at.astimezone():%Y-%m-%d}{number} (#{self.id})"


@dataclass(frozen=True)
class ClientPhotos:
    """The client's photos, newest first, and what the page says about the photo consents."""

    client_ref: str
    photos: tuple[PhotoInfo, ...]
    session_numbers: dict[int, int | None]  # session id -> its number in the course
    clinical_consent: ConsentStatus
    other_consent: ConsentStatus

    @property
    def may_add(self) -> bool:
        return self.clinical_consent.state == VALID


def client_photos(db: Database, actor: Actor, client_ref: str, today: date) -> ClientPhotos:
    """Every photo of the client (voided ones too, marked), newest first, without image bytes."""
    photos = list_photos(db, actor, client_ref)
    session_ids = {p.session_id for p in photos if p.session_id is not None}
    with db.reading() as session:
        client_id = client_id_of(session, client_ref)
        numbers: dict[int, int | None] = {}
        if session_ids:
            numbers = {row.id: row.course_index for row in session.execute(
                select(TreatmentSession.id, TreatmentSession.course_index).where(TreatmentSession.id.in_(session_ids)))}
        clinical = consent_status_in(session, client_id, today, ConsentPurpose.PHOTOS_CLINICAL)
        other = consent_status_in(session, client_id, today, ConsentPurpose.PHOTOS_OTHER)
    return ClientPhotos(client_ref, photos, numbers, clinical, other)


def thumbnails(db: Database, actor: Actor, photo_ids: Sequence[int]) -> dict[int, bytes]:
    """The JPEG thumbnails of these photos, by id, in one query (never the originals); ids not found are left out."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    if not photo_ids:
        return {}
    with db.reading() as session:
        rows = session.execute(select(Photo.id, PhotoBlob.thumbnail).join(PhotoBlob, PhotoBlob.sha256 == Photo.sha256)
                               .where(Photo.id.in_(list(photo_ids))))
        return {int(row.id): bytes(row.thumbnail) for row in rows}


@dataclass(frozen=True)
class AddChoices:
    """What a new photo of the client may be attached to."""

    sessions: tuple[SessionChoice, ...]  # newest first, voided sessions left out
    areas: tuple[tuple[str, str], ...]  # (code, label) of the reference areas
    other_consent: ConsentStatus  # a photo for other uses needs it valid (add_photos refuses it otherwise)


def add_choices(db: Database, actor: Actor, client_ref: str, today: date | None = None) -> AddChoices:
    authorize(db, actor, Permission.ADD_PHOTOS)
    with db.reading() as session:
        client_id = client_id_of(session, client_ref)
        other = consent_status_in(session, client_id, today or date.today(), ConsentPurpose.PHOTOS_OTHER)
        rows = session.execute(select(TreatmentSession.id, TreatmentSession.started_at, TreatmentSession.course_index)
                               .where(TreatmentSession.client_id == client_id, TreatmentSession.voided_at.is_(None))
                               .order_by(TreatmentSession.started_at.desc(), TreatmentSession.id.desc())).all()
        treated: dict[int, list[str]] = {}
        if rows:
            for session_id, code in session.execute(
                    select(SessionArea.session_id, SessionArea.area_code)
                    .where(SessionArea.session_id.in_([r.id for r in rows])).order_by(SessionArea.id)):
                if code not in treated.setdefault(session_id, []):
                    treated[session_id].append(code)
        areas = tuple((row.code, row.label) for row in session.execute(select(Area.code, Area.label)
                                                                        .order_by(Area.label)))
    return AddChoices(tuple(SessionChoice(r.id, from_utc_naive(r.started_at), r.course_index,
                                          tuple(treated.get(r.id, ()))) for r in rows), areas, other)

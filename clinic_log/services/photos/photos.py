"""A client's before/after photos: adding files (each in its own transaction, audited with the image's SHA-256),
listing them without their bytes, reading a thumbnail or the stored image by id, voiding one, and the pair a
comparison starts from (the first photo of the course and the newest, of one view).

Adding needs the client's valid consent to clinical-record photos, and a photo for any other use the consent to
that use as well. The same image is stored once (content-addressed); adding it again to the same client is refused
as a duplicate while the first photo stands (voided, it may be added again, e.g. with the right view).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, Client, Photo, PhotoBlob, SessionArea, TreatmentSession, table_of
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, PhotoUse, PhotoView, TakenAtSource
from clinic_log.domain.errors import ChangedMeanwhile, DomainError, InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.services.clients.consents import OUTDATED, VALID, consent_status_in
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive, to_utc_naive, utcnow
from clinic_log.services.photos.images import ImageRefused, PreparedImage, file_time, prepare, read_checked

VIEWS = ", ".join(v.value for v in PhotoView)
USES = ", ".join(u.value for u in PhotoUse)
FUTURE_SLACK = timedelta(minutes=5)  # a camera clock a little ahead is not refused


class ConsentMissing(DomainError):
    """The client has no valid consent for what a photo would be used for; nothing was stored."""


@dataclass(frozen=True)
class PhotoInfo:
    """One photo as lists show it: everything but the image bytes."""

    id: int
    client_id: int
    session_id: int | None
    area_code: str | None
    view: PhotoView
    use: PhotoUse
    taken_at: datetime  # aware, UTC
    taken_at_source: TakenAtSource
    taken_by: str
    added_at: datetime
    sha256: str
    mime: str
    width: int
    height: int
    byte_size: int
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None
    version: int

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


@dataclass(frozen=True)
class FileResult:
    """What became of one file: stored as `photo_id`, or refused with `problem` (one line naming the file)."""

    file: str
    photo_id: int | None = None
    sha256: str | None = None
    problem: str | None = None
    note: str | None = None  # e.g. the zone a camera time without one was read in

    @property
    def stored(self) -> bool:
        return self.photo_id is not None


@dataclass(frozen=True)
class AddResult:
    client_ref: str
    files: tuple[FileResult, ...]

    @property
    def stored(self) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if f.stored)

    @property
    def refused(self) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if not f.stored)

    @property
    def summary(self) -> str:
        return f"{len(self.stored)} stored, {len(self.refused)} refused"


@dataclass(frozen=True)
class StoredImage:
    photo_id: int
    mime: str
    data: bytes


@dataclass(frozen=True)
class ComparisonPair:
    """The photos a comparison of one view starts from: the first of the current course (or the oldest, when no
    course start is recorded) and the newest; `after` is None when there is only one photo."""

    view: PhotoView
    before: PhotoInfo | None
    after: PhotoInfo | None


def parse_view(value: str | PhotoView) -> PhotoView:
    try:
        return PhotoView(value)
    except ValueError:
        raise InvalidValue("view", value, f"one of {VIEWS}") from None


def parse_use(value: str | PhotoUse) -> PhotoUse:
    try:
        return PhotoUse(value)
    except ValueError:
        raise InvalidValue("use", value, f"one of {USES}") from None


# --- adding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    client_id: int
    client_ref: str
    session_id: int | None
    area: str | None
    view: PhotoView
    use: PhotoUse


def add_photos(db: Database, actor: Actor, client_ref: str, files: Sequence[Path], session_id: int | None = None,
               view: str | PhotoView = PhotoView.FRONT, area: str | None = None, taken: datetime | None = None,
               use: str | PhotoUse = PhotoUse.CLINICAL, taken_source: TakenAtSource = TakenAtSource.TYPED
               ) -> AddResult:
    """Store each file (a folder stands for the files in it) as a photo of the client: one transaction per file,
    so a bad file is reported and the rest are stored. Refused as a whole (DomainError, nothing stored): an
    unknown view, use, client or area, a session of another client, a missing consent, a time in the future.

    `taken` (typed by the user, or the moment a camera took the picture: `taken_source=CAPTURE`) wins over the
    file's own time."""
    authorize(db, actor, Permission.ADD_PHOTOS)
    target = _check_target(db, client_ref, session_id, parse_view(view), area, parse_use(use))
    typed = _typed_time(taken)
    results = []
    for path in _expand(files):
        if isinstance(path, FileResult):
            results.append(path)
            continue
        try:
            prepared = prepare(path.name, read_checked(path))
        except ImageRefused as exc:
            results.append(FileResult(path.name, problem=str(exc)))
            continue
        taken_at, source, note = _taken(prepared, path, typed, taken_source)
        try:
            photo_id = db.write(partial(_store, db, actor, target, prepared, path.name, taken_at, source))
        except ImageRefused as exc:
            results.append(FileResult(path.name, problem=str(exc)))
            continue
        results.append(FileResult(path.name, photo_id, prepared.sha256, note=note))
    return AddResult(target.client_ref, tuple(results))


def _expand(files: Iterable[Path]) -> list[Path | FileResult]:
    out: list[Path | FileResult] = []
    for path in files:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            out.extend(inside or [FileResult(path.name, problem=f"{path.name}: a folder with no files in it")])
        elif path.is_file():
            out.append(path)
        else:
            out.append(FileResult(path.name, problem=f"{path.name}: no such file"))
    return out


def _now() -> datetime:
    return from_utc_naive(utcnow())


def _typed_time(taken: datetime | None) -> datetime | None:
    if taken is None:
        return None
    moment = taken if taken.tzinfo is not None else taken.astimezone()  # a time without a zone is local
    if moment > _now() + FUTURE_SLACK:
        raise InvalidValue("taken", moment.isoformat(timespec="minutes"), "a time that has passed")
    return moment.astimezone(UTC)


def _taken(prepared: PreparedImage, path: Path, typed: datetime | None, typed_source: TakenAtSource
           ) -> tuple[datetime, TakenAtSource, str | None]:
    if typed is not None:
        return typed, typed_source, None
    if prepared.camera_time is not None:
        zone = prepared.camera_time.zone_assumed
        note = f"the camera gave no time zone; its time was read as this computer's ({zone})" if zone else None
        return prepared.camera_time.at, TakenAtSource.EXIF, note
    stamp = file_time(path)
    if stamp is not None and stamp <= _now() + FUTURE_SLACK:
        return stamp, TakenAtSource.FILE, "no camera time; the file's modification time is used"
    return _now(), TakenAtSource.CAPTURE, "no camera or file time; the time it was added is used"


def _check_target(db: Database, client_ref: str, session_id: int | None, view: PhotoView, area: str | None,
                  use: PhotoUse) -> _Target:
    today = date.today()
    with db.reading() as session:
        client_id = client_id_of(session, client_ref)
        needed = [ConsentPurpose.PHOTOS_CLINICAL] + ([ConsentPurpose.PHOTOS_OTHER] if use is PhotoUse.OTHER else [])
        for purpose in needed:
            status = consent_status_in(session, client_id, today, purpose)
            if status.state != VALID:
                when = f" (it expired on {status.expires_on.isoformat()})" if status.expires_on else ""
                if status.state == OUTDATED:
                    when = (f" (it was signed on wording version {status.text_version}; the clinic's wording is now "
                            f"version {status.current_version})")
                raise ConsentMissing(f"client {client_ref} has no valid {purpose.label}{when}: record it first; "
                                     "no photo was stored")
        if session_id is not None:
            found = session.execute(select(TreatmentSession.client_id, TreatmentSession.voided_at)
                                    .where(TreatmentSession.id == session_id)).first()
            if found is None:
                raise NotFound("session", session_id)
            if found.client_id != client_id:
                raise InvalidValue("session", session_id, f"a session of client {client_ref}")
            if found.voided_at is not None:
                raise InvalidValue("session", session_id, "a session that is not voided")
        if area is not None:
            _check_area(session, area, session_id)
    return _Target(client_id, client_ref, session_id, area, view, use)


def _check_area(session: Session, area: str, session_id: int | None) -> None:
    if session_id is not None:
        treated = sorted(set(session.scalars(select(SessionArea.area_code)
                                             .where(SessionArea.session_id == session_id))))
        if area not in treated:
            raise InvalidValue("area", area, f"one of the areas of session {session_id}: "
                                             f"{', '.join(treated) or '(none recorded)'}")
    elif session.get(Area, area) is None:
        raise InvalidValue("area", area, "a site code of the reference data, e.g. cheeks, forehead "
                                         "(clinic-log reference lists them)")


def client_id_of(session: Session, client_ref: str) -> int:
    client_id = session.scalar(select(Client.id).where(Client.client_ref == client_ref))
    if client_id is None:
        raise NotFound("client", client_ref)
    return client_id


def _store(db: Database, actor: Actor, target: _Target, prepared: PreparedImage, name: str, taken_at: datetime,
           source: TakenAtSource, session: Session) -> int:
    same = session.scalar(select(Photo.id).where(Photo.client_id == target.client_id,
                                                 Photo.sha256 == prepared.sha256,
                                                 Photo.voided_at.is_(None)).limit(1))
    if same is not None:
        raise ImageRefused(name, f"the same image is already photo {same} of client {target.client_ref}; "
                                 "not added twice")
    if session.scalar(select(PhotoBlob.sha256).where(PhotoBlob.sha256 == prepared.sha256)) is None:
        session.execute(insert(table_of(PhotoBlob)).values(
            sha256=prepared.sha256, original=prepared.data, thumbnail=prepared.thumbnail, width=prepared.width,
            height=prepared.height, mime=prepared.mime, byte_size=len(prepared.data)))
    now = utcnow()
    photo_id = session.execute(insert(table_of(Photo)).values(
        client_id=target.client_id, session_id=target.session_id, area_code=target.area, view=target.view.value,
        use=target.use.value, taken_at=to_utc_naive(taken_at), taken_at_source=source.value,
        taken_by=actor.username, added_at=now, sha256=prepared.sha256, version=1,
    ).returning(table_of(Photo).c.id)).scalar_one()
    audit.record(db, session, actor, AuditEvent("added", "photo", str(photo_id), {
        "client_id": target.client_id, "sha256": prepared.sha256, "view": target.view.value,
        "use": target.use.value, "session_id": target.session_id, "area": target.area,
        "taken_at": taken_at.isoformat(), "taken_at_source": source.value, "file": name}))
    return int(photo_id)


# --- reading --------------------------------------------------------------------------------

_INFO_COLUMNS = (Photo.id, Photo.client_id, Photo.session_id, Photo.area_code, Photo.view, Photo.use,
                 Photo.taken_at, Photo.taken_at_source, Photo.taken_by, Photo.added_at, Photo.sha256,
                 PhotoBlob.mime, PhotoBlob.width, PhotoBlob.height, PhotoBlob.byte_size, Photo.voided_at,
                 Photo.voided_by, Photo.void_reason, Photo.version)


def _info_select() -> Select[*tuple[Any, ...]]:
    return select(*_INFO_COLUMNS).join(PhotoBlob, PhotoBlob.sha256 == Photo.sha256)


def _info(row: Any) -> PhotoInfo:
    return PhotoInfo(row.id, row.client_id, row.session_id, row.area_code, PhotoView(row.view), PhotoUse(row.use),
                     from_utc_naive(row.taken_at), TakenAtSource(row.taken_at_source), row.taken_by,
                     from_utc_naive(row.added_at), row.sha256, row.mime, row.width, row.height, row.byte_size,
                     from_utc_naive(row.voided_at) if row.voided_at else None, row.voided_by, row.void_reason,
                     row.version)


_NEWEST_FIRST = (Photo.taken_at.desc(), Photo.id.desc())


def list_photos(db: Database, actor: Actor, client_ref: str, view: str | PhotoView | None = None,
                include_voided: bool = True) -> tuple[PhotoInfo, ...]:
    """The client's photos (of one view, when given), newest first; never the image bytes."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    wanted = parse_view(view) if view is not None else None
    with db.reading() as session:
        query = _info_select().where(Photo.client_id == client_id_of(session, client_ref))
        if wanted is not None:
            query = query.where(Photo.view == wanted.value)
        if not include_voided:
            query = query.where(Photo.voided_at.is_(None))
        return tuple(_info(row) for row in session.execute(query.order_by(*_NEWEST_FIRST)))


def photo_info(db: Database, actor: Actor, photo_id: int) -> PhotoInfo:
    authorize(db, actor, Permission.VIEW_PHOTOS)
    with db.reading() as session:
        row = session.execute(_info_select().where(Photo.id == photo_id)).first()
    if row is None:
        raise NotFound("photo", photo_id)
    return _info(row)


def thumbnail(db: Database, actor: Actor, photo_id: int) -> bytes:
    """The photo's JPEG thumbnail (long side 320 px), read alone: a strip of thumbnails never loads originals."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    with db.reading() as session:
        data = session.scalar(select(PhotoBlob.thumbnail).join(Photo, Photo.sha256 == PhotoBlob.sha256)
                              .where(Photo.id == photo_id))
    if data is None:
        raise NotFound("photo", photo_id)
    return bytes(data)


def original(db: Database, actor: Actor, photo_id: int) -> StoredImage:
    """The stored image (upright, stripped, re-encoded): what the app shows and exports."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    with db.reading() as session:
        row = session.execute(select(PhotoBlob.mime, PhotoBlob.original)
                              .join(Photo, Photo.sha256 == PhotoBlob.sha256).where(Photo.id == photo_id)).first()
    if row is None:
        raise NotFound("photo", photo_id)
    return StoredImage(photo_id, row.mime, bytes(row.original))


def comparison_pair(db: Database, actor: Actor, client_ref: str, view: str | PhotoView) -> ComparisonPair:
    """The first photo of the view since the client's current course began (their latest session numbered 1 of
    a course; the oldest photo when none is) and the newest, leaving voided photos out."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    wanted = parse_view(view)
    with db.reading() as session:
        client_id = client_id_of(session, client_ref)
        standing = _info_select().where(Photo.client_id == client_id, Photo.view == wanted.value,
                                        Photo.voided_at.is_(None))
        newest = session.execute(standing.order_by(*_NEWEST_FIRST).limit(1)).first()
        if newest is None:
            return ComparisonPair(wanted, None, None)
        course_start = session.scalar(
            select(TreatmentSession.started_at).where(TreatmentSession.client_id == client_id,
                                                      TreatmentSession.course_index == 1,
                                                      TreatmentSession.voided_at.is_(None))
            .order_by(TreatmentSession.started_at.desc()).limit(1))
        oldest_first = standing.order_by(Photo.taken_at, Photo.id).limit(1)
        first = None
        if course_start is not None:  # a "before" photo is taken on the day of the first session
            first = session.execute(oldest_first.where(
                Photo.taken_at >= datetime.combine(course_start.date(), time()))).first()
        if first is None:
            first = session.execute(oldest_first).first()
    before = _info(first) if first is not None else None
    after = _info(newest) if before is None or newest.id != before.id else None
    return ComparisonPair(wanted, before, after)


# --- voiding --------------------------------------------------------------------------------


def void_photo(db: Database, actor: Actor, photo_id: int, reason: str, version: int) -> PhotoInfo:
    """Void a photo, with the reason, as of the version the user saw: kept, marked, left out of comparisons and
    exports. A photo voided or changed meanwhile is not touched (ChangedMeanwhile)."""
    authorize(db, actor, Permission.VOID_PHOTOS)
    why = reason.strip()
    if not why:
        raise InvalidValue("reason", reason, "why the photo is voided (e.g. the wrong client or view)")

    def work(session: Session) -> None:
        photo = table_of(Photo)
        done = session.execute(
            update(photo).where(photo.c.id == photo_id, photo.c.version == version, photo.c.voided_at.is_(None))
            .values(voided_at=utcnow(), voided_by=actor.username, void_reason=why,
                    version=photo.c.version + 1))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            found = session.execute(select(Photo.voided_at, Photo.voided_by, Photo.version)
                                    .where(Photo.id == photo_id)).first()
            if found is None:
                raise NotFound("photo", photo_id)
            if found.voided_at is not None:
                raise ChangedMeanwhile(f"photo {photo_id} was already voided by {found.voided_by} on "
                                       f"{from_utc_naive(found.voided_at).date().isoformat()}: nothing was changed")
            raise ChangedMeanwhile(f"photo {photo_id} changed meanwhile (version {found.version}, you saw "
                                   f"{version}): nothing was changed; look at it again")
        sha = session.scalar(select(Photo.sha256).where(Photo.id == photo_id))
        audit.record(db, session, actor, AuditEvent("voided", "photo", str(photo_id),
                                                    {"reason": why, "sha256": sha}))

    db.write(work)
    return photo_info(db, actor, photo_id)

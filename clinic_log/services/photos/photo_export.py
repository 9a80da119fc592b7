"""A client's photos written to a folder: one file per standing photo (`<date>_<view>_<id>.jpg`, the stored bytes
exactly) and an index CSV, every file owner-only, in a folder only the owner can open, each written under a
temporary name and renamed when whole. Voided photos are left out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import Photo, PhotoBlob
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.csv_output import safe_writer
from clinic_log.services.common.files import NotWritten, create_private, sync_file
from clinic_log.services.photos.photos import PhotoInfo, client_id_of, list_photos

OWNER_ONLY_FOLDER = 0o700
INDEX_NAME = "photos.csv"
INDEX_COLUMNS = ("file", "photo_id", "view", "use", "taken_at", "taken_at_source", "taken_by", "session_id",
                 "area", "width", "height", "sha256")
_EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class ExportedPhotos:
    folder: Path
    files: tuple[Path, ...]  # the photos, in the order of the index
    index: Path


def file_name(photo: PhotoInfo) -> str:
    """`2026-05-01_front_12.jpg`: the day it was taken (this computer's zone), the view, the photo's id."""
    day = photo.taken_at.astimezone().date().isoformat()
    return f"{day}_{photo.view.value}_{photo.id}.{_EXTENSION.get(photo.mime, 'bin')}"


def _prepare_folder(folder: Path) -> None:
    """A new folder made owner-only, or an existing empty one made so; anything else is refused."""
    if str(folder).strip() in ("", "."):
        raise InvalidValue("folder", str(folder), "a new or empty folder to write the photos into")
    try:
        if folder.exists():
            if not folder.is_dir():
                raise InvalidValue("folder", str(folder), "a folder; this is a file")
            if any(folder.iterdir()):
                raise InvalidValue("folder", str(folder), "a new or empty folder (earlier files are never "
                                                          "mixed with these)")
        else:
            if not folder.parent.is_dir():
                raise InvalidValue("folder", str(folder), "a folder inside one that exists")
            folder.mkdir(mode=OWNER_ONLY_FOLDER)
        os.chmod(folder, OWNER_ONLY_FOLDER)  # mkdir's mode is cut by the umask; an existing folder may be open
    except OSError as exc:
        raise InvalidValue("folder", str(folder), f"a folder that can be written ({exc.strerror or exc})") from None


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` through an owner-only temporary file renamed into place once it is on disk."""
    part = path.with_name(path.name + ".part")
    try:
        create_private(part)
        with part.open("wb") as handle:
            handle.write(data)
        sync_file(part)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise NotWritten(path, exc) from exc


def export_photos(db: Database, actor: Actor, client_ref: str, folder: Path) -> ExportedPhotos:
    """Write the client's standing photos and their index into `folder` (new or empty); one image in memory at a
    time. Audited as an export of the client's record."""
    authorize(db, actor, Permission.EXPORT_PHOTOS)
    photos = list_photos(db, actor, client_ref, include_voided=False)
    with db.reading() as session:
        client_id = client_id_of(session, client_ref)
    _prepare_folder(folder)
    written: list[Path] = []
    rows = []
    for photo in sorted(photos, key=lambda p: (p.taken_at, p.id)):
        with db.reading() as session:
            data = session.scalar(select(PhotoBlob.original).join(Photo, Photo.sha256 == PhotoBlob.sha256)
                                  .where(Photo.id == photo.id))
        target = folder / file_name(photo)
        _write_whole(target, bytes(data or b""))
        written.append(target)
        rows.append((target.name, photo.id, photo.view.value, photo.use.value, photo.taken_at.isoformat(),
                     photo.taken_at_source.value, photo.taken_by, photo.session_id, photo.area_code, photo.width,
                     photo.height, photo.sha256))
    text = StringIO(newline="")
    safe_writer(text, INDEX_COLUMNS).writerows(rows)
    index = folder / INDEX_NAME
    _write_whole(index, text.getvalue().encode("utf-8"))
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(
        "exported", "client", str(client_id), {"photos": len(written), "folder": folder.name,
                                               "photo_ids": [p.id for p in photos]})))
    return ExportedPhotos(folder, tuple(written), index)


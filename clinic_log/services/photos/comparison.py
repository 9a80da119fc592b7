"""A before/after comparison of two photos of one view: the stored images with their dates and session numbers,
and saving it as the PNG the screen rendered or as a one-page PDF for the client (written whole or not at all,
owner-only), or printing that page: each save and print audited as an output of the client's record."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, PhotoBlob, TreatmentSession
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.reports.sheet_data import ComparisonSide, PhotoComparison
from clinic_log.services.clients.aftercare import clinic_info
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.files import output_target
from clinic_log.services.photos.photos import PhotoInfo, photo_info

KIND = "photo comparison"


def _side(db: Database, actor: Actor, photo_id: int) -> tuple[PhotoInfo, ComparisonSide]:
    info = photo_info(db, actor, photo_id)
    if info.voided:
        raise InvalidValue("photo", photo_id, "a photo that is not voided")
    with db.reading() as session:
        data = session.scalar(select(PhotoBlob.original).where(PhotoBlob.sha256 == info.sha256))
        number = None if info.session_id is None else session.scalar(
            select(TreatmentSession.course_index).where(TreatmentSession.id == info.session_id))
    return info, ComparisonSide(info.id, info.taken_at.astimezone().date(), number, bytes(data or b""))


def comparison(db: Database, actor: Actor, before_id: int, after_id: int, today: date | None = None
               ) -> PhotoComparison:
    """The two photos (of one client and one view, neither voided) with their stored images."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    (first, before), (last, after) = _side(db, actor, before_id), _side(db, actor, after_id)
    if last.client_id != first.client_id:
        raise InvalidValue("photo", after_id, f"a photo of the same client as photo {before_id}")
    if last.view is not first.view:
        raise InvalidValue("photo", after_id, f"a {first.view.label} photo, like photo {before_id}")
    with db.reading() as session:
        client = session.execute(select(Client.client_ref, Client.first_name, Client.last_name)
                                 .where(Client.id == first.client_id)).one()
        clinic = clinic_info(session)
    return PhotoComparison(clinic, first.client_id, client.client_ref,
                           f"{client.first_name} {client.last_name}".strip(), first.view, before, after,
                           today or date.today())


def file_name(found: PhotoComparison, extension: str) -> str:
    """comparison-<client ref>-<view>-<after day>.<extension>, with anything a file system might refuse as _."""
    ref = re.sub(r"[^\w.-]+", "_", found.client_ref).strip("._") or "client"
    return f"comparison-{ref}-{found.view.value}-{found.after.taken_on.isoformat()}.{extension}"


def _audit(db: Database, actor: Actor, found: PhotoComparison, how: Literal["printed", "saved"], form: str) -> None:
    db.write(lambda session: audit.record(db, session, actor, AuditEvent(how, "client", str(found.client_id), {
        "kind": KIND, "format": form, "view": found.view.value,
        "photo_ids": [found.before.photo_id, found.after.photo_id]})))


def comparison_pdf(found: PhotoComparison) -> bytes:
    from clinic_log.reports.photo_comparison_pdf import build_photo_comparison_pdf

    return build_photo_comparison_pdf(found)


def save_comparison_pdf(db: Database, actor: Actor, found: PhotoComparison, out: Path) -> None:
    """Write the one-page PDF for the client to `out` (whole or not at all, owner-only) and record the save."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    pdf = comparison_pdf(found)
    with output_target(out) as tmp:
        tmp.write_bytes(pdf)
    _audit(db, actor, found, "saved", "pdf")


def record_comparison_print(db: Database, actor: Actor, found: PhotoComparison) -> None:
    """Record that the client's PDF page (`comparison_pdf`) was printed, as its save is recorded."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    _audit(db, actor, found, "printed", "pdf")


def save_comparison_png(db: Database, actor: Actor, found: PhotoComparison, png: bytes, out: Path) -> None:
    """Write the comparison as rendered on screen (`png`) to `out` (whole or not at all, owner-only); audited."""
    authorize(db, actor, Permission.VIEW_PHOTOS)
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InvalidValue("comparison image", f"{len(png)} bytes", "a PNG image")
    with output_target(out) as tmp:
        tmp.write_bytes(png)
    _audit(db, actor, found, "saved", "png")

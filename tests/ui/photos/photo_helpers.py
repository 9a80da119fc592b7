"""A client with photos for the GUI tests: the clinic of the service tests with a photo consent, and plain images
made with Pillow in tmp_path with the camera time each should be listed by."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.photos.photos import add_photos
from tests.unit.services.helpers import clinic_with_photo_consent

__all__ = ["add", "clinic_with_photo_consent", "day", "image_file"]

EXIF_IFD, DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x8769, 0x9003, 0x9011


def image_file(path: Path, color: tuple[int, int, int], taken: datetime | None = None,
               size: tuple[int, int] = (64, 48)) -> Path:
    """A one-colour JPEG (PNG for a .png name) whose camera time, when given, is `taken` (UTC)."""
    image = Image.new("RGB", size, color)
    if path.suffix == ".png":
        image.save(path, "PNG")
        return path
    exif = Image.Exif()
    if taken is not None:
        inner = exif.get_ifd(EXIF_IFD)
        inner[DATE_TIME_ORIGINAL] = taken.astimezone(UTC).strftime("%Y:%m:%d %H:%M:%S")
        inner[OFFSET_TIME_ORIGINAL] = "+00:00"
    image.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def add(db: Database, actor: Actor, paths: Sequence[Path], **kwargs: object) -> list[int]:
    """Store the files as photos of client P-1; their ids, in the order given."""
    result = add_photos(db, actor, "P-1", list(paths), **kwargs)  # type: ignore[arg-type]
    assert not result.refused, result.refused
    return [f.photo_id for f in result.files if f.photo_id is not None]


def day(n: int) -> datetime:
    """Noon UTC on the n-th of March 2026."""
    return datetime(2026, 3, n, 12, 0, tzinfo=UTC)

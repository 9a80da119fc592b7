"""One image file made fit to store: checked (size, decodable, not a decompression bomb, not truncated), turned
upright, stripped of GPS, serial numbers and every other tag not on a short list, re-encoded, and thumbnailed.

No database here: the result is the bytes to store, their SHA-256, a thumbnail and the time the camera says the
photo was taken. Pillow's HEIF opener (pillow-heif) is registered the first time a HEIC file comes, not at start-up.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from clinic_log.domain.errors import DomainError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a phone's or a DSLR's JPEG is 2-15 MB; a 16-bit TIFF of 24 MP about 150 MB
# 80 MP: above any camera a clinic uses (a 61 MP full-frame body) and below Pillow's own warning (~89 MP), so this is
# the limit that speaks; a bigger image is refused from its header, before it is decoded.
MAX_PIXELS = 80_000_000
THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 92

# Pillow's format names of the files accepted, and what each is stored as.
_STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "HEIF": "JPEG", "TIFF": "JPEG", "PNG": "PNG"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}
ACCEPTED = "a JPEG, PNG, HEIC or TIFF photo"

# The only tags kept (everything else goes, whatever a camera or phone put there: GPS, body, lens and camera
# serial numbers, owner names, maker notes, unique image ids). Orientation is not kept: the pixels are upright.
_KEPT_MAIN = (0x010F, 0x0110, 0x0131, 0x0132)  # Make, Model, Software, DateTime
_EXIF_IFD = 0x8769
_KEPT_EXIF = (0x9003, 0x9004, 0x9010, 0x9011, 0x9012,  # DateTimeOriginal, …Digitized, OffsetTime, …Original, …Digitized
              0x829A, 0x829D, 0x8827, 0x9204, 0x9209, 0x920A,  # exposure, f-number, ISO, bias, flash, focal length
              0xA001, 0xA403, 0xA405, 0xA434)  # colour space, white balance, 35 mm focal length, lens model
_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011

_heif_registered = False


class ImageRefused(DomainError):
    """A file that is not stored, with why: "b.jpg: truncated JPEG"."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


@dataclass(frozen=True)
class CameraTime:
    """When the camera says the photo was taken (UTC), and whether its zone had to be assumed."""

    at: datetime
    zone_assumed: str | None  # e.g. "UTC+01:00" when the camera gave no offset and the machine's zone was used


@dataclass(frozen=True)
class PreparedImage:
    data: bytes  # what is stored, shown and exported
    sha256: str
    mime: str
    width: int
    height: int
    thumbnail: bytes  # JPEG, long side THUMBNAIL_LONG_SIDE
    camera_time: CameraTime | None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def read_checked(path: Path) -> bytes:
    """The file's bytes, after checking its size on disk (a 200 MB file is refused before it is read)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImageRefused(path.name, f"{megabytes(size)} MB is over the {megabytes(MAX_FILE_BYTES)} MB limit")
        if size == 0:
            raise ImageRefused(path.name, "an empty file, not an image")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImageRefused(path.name, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew after it was measured
        raise ImageRefused(path.name, f"over the {megabytes(MAX_FILE_BYTES)} MB limit")
    return data


def _register_heif_if_needed(data: bytes) -> None:
    """HEIC/HEIF files start with an ISO-BMFF 'ftyp' box; only then is pillow-heif imported and registered."""
    global _heif_registered
    if not _heif_registered and data[4:8] == b"ftyp":
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def _open(name: str, data: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(data))
    except UnidentifiedImageError:
        raise ImageRefused(name, f"not an image; {ACCEPTED}") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(name, exc) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused(name, f"not a readable image ({exc})") from None
    return image


def _too_large(name: str, image: Image.Image) -> None:
    pixels = image.size[0] * image.size[1]
    if pixels > MAX_PIXELS:
        raise _bomb(name, pixels)


def _bomb(name: str, found: int | Exception) -> ImageRefused:
    """Pillow's own bomb refusals name the pixel count in their text; it is read from there."""
    pixels = found if isinstance(found, int) else next(iter(re.findall(r"\((\d+) pixels\)", str(found))), "?")
    return ImageRefused(name, f"image too large to decode safely ({pixels} pixels; at most {MAX_PIXELS})")


def _damaged(fmt: str) -> str:
    return "truncated JPEG" if fmt in ("JPEG", "MPO") else f"damaged or truncated {fmt} file"


def prepare(name: str, data: bytes) -> PreparedImage:
    """Check, clean and re-encode one image file's bytes (`name` is only for messages)."""
    _register_heif_if_needed(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # Pillow's warning is a refusal here
        probe = _open(name, data)
        fmt = probe.format or "?"
        if fmt not in _STORED_AS:
            raise ImageRefused(name, f"{fmt} images are not taken; {ACCEPTED}")
        _too_large(name, probe)
        try:
            probe.verify()
        except Exception:  # Pillow raises many kinds here (SyntaxError, OSError, struct.error…)
            raise ImageRefused(name, _damaged(fmt)) from None
        image = _open(name, data)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb(name, exc) from None
        except Exception:
            raise ImageRefused(name, _damaged(fmt)) from None
    return _encode(image, fmt)


def _encode(image: Image.Image, fmt: str) -> PreparedImage:
    exif = image.getexif()
    camera_time = _camera_time(exif.get_ifd(_EXIF_IFD))
    kept = _kept_tags(exif)
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    stored_as = _STORED_AS[fmt]
    out = BytesIO()
    if stored_as == "PNG":
        if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            upright = upright.convert("RGBA")
        upright.save(out, "PNG", exif=kept, icc_profile=icc)
    else:
        if upright.mode != "RGB":
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, exif=kept, icc_profile=icc)
    data = out.getvalue()
    return PreparedImage(data, hashlib.sha256(data).hexdigest(), MIME[stored_as], upright.width, upright.height,
                         thumbnail_of(upright), camera_time)


def thumbnail_of(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE))
    if small.mode != "RGB":
        small = small.convert("RGB")
    out = BytesIO()
    small.save(out, "JPEG", quality=85)
    return out.getvalue()


def _kept_tags(exif: Image.Exif) -> bytes:
    kept = Image.Exif()
    for tag in _KEPT_MAIN:
        if tag in exif:
            kept[tag] = exif[tag]
    source = exif.get_ifd(_EXIF_IFD)
    wanted = {tag: source[tag] for tag in _KEPT_EXIF if tag in source}
    if wanted:
        kept.get_ifd(_EXIF_IFD).update(wanted)
    return kept.tobytes() if len(kept) or wanted else b""


def _camera_time(exif_ifd: dict[int, object]) -> CameraTime | None:
    """DateTimeOriginal, in the zone OffsetTimeOriginal gives, else in this machine's zone (said so)."""
    raw = exif_ifd.get(_DATE_TIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:  # "0000:00:00 00:00:00", blanks: no time
        return None
    offset = exif_ifd.get(_OFFSET_TIME_ORIGINAL)
    zone = _offset(offset) if isinstance(offset, str) else None
    if zone is not None:
        return CameraTime(local.replace(tzinfo=zone).astimezone(UTC), None)
    aware = local.astimezone()  # the machine's zone on that day
    shift = aware.utcoffset() or timedelta(0)
    sign = "-" if shift < timedelta(0) else "+"
    minutes = abs(int(shift.total_seconds())) // 60
    return CameraTime(aware.astimezone(UTC), f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}")


def _offset(text: str) -> timezone | None:
    text = text.strip("\x00 ")
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":" or not (text[1:3] + text[4:]).isdigit():
        return None
    minutes = int(text[1:3]) * 60 + int(text[4:])
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))


def file_time(path: Path) -> datetime | None:
    """The file's modification time (UTC), when the file system has one worth using."""
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, UTC) if stamp > 0 else None


def camera_time_of(path: Path) -> CameraTime | None:
    """The camera's time of an image file, read from its header only (no pixels decoded): what a dialog shows
    before the files are added. None for a file without one, or one that is not a readable image."""
    try:
        with Image.open(path) as image:
            return _camera_time(image.getexif().get_ifd(_EXIF_IFD))
    except Exception:  # not an image, damaged, unreadable: adding it will say why
        return None

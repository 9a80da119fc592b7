"""Image files for the photo tests, made with Pillow in tmp_path: a phone-like JPEG with orientation, GPS and serial
tags, plain PNG and TIFF files, and the bad files a folder import meets."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from PIL import Image

ORIENTATION, EXIF_IFD, GPS_IFD = 0x0112, 0x8769, 0x8825
DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
BODY_SERIAL, LENS_SERIAL, CAMERA_SERIAL, MAKE = 0xA431, 0xA435, 0xC62F, 0x010F
RED, BLUE = (220, 20, 20), (20, 20, 220)


def sideways(width: int = 80, height: int = 40) -> Image.Image:
    """Left half red, right half blue: turned upright by orientation 6 (90° clockwise), red is on top."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def phone_jpeg(path: Path, taken: str | None = "2026:05:01 10:11:12", offset: str | None = "+02:00",
               orientation: int = 6, image: Image.Image | None = None) -> Path:
    """A JPEG as a phone writes it: orientation, GPS position, body, lens and camera serials, the camera time."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Canon"
    exif[CAMERA_SERIAL] = "CAM-0001"
    inner = exif.get_ifd(EXIF_IFD)
    if taken is not None:
        inner[DATE_TIME_ORIGINAL] = taken
    if offset is not None:
        inner[OFFSET_TIME_ORIGINAL] = offset
    inner[BODY_SERIAL] = "BODY-123"
    inner[LENS_SERIAL] = "LENS-456"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 12.0), "W", (0.0, 7.0, 39.0)
    (image or sideways()).save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def plain(path: Path, fmt: str, size: tuple[int, int] = (60, 30), color: tuple[int, int, int] = RED) -> Path:
    Image.new("RGB", size, color).save(path, fmt)
    return path


def truncated_jpeg(path: Path) -> Path:
    out = BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(out, "JPEG")
    path.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])
    return path


def text_file(path: Path) -> Path:
    path.write_text("these are my notes, not a photo\n", encoding="utf-8")
    return path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims `width` x `height` pixels, with next to no data behind it (a decompression bomb's
    first step): only its header is ever read."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
                     + chunk(b"IEND", b""))
    return path


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (its size is all that matters)."""
    with path.open("wb") as handle:
        os.truncate(handle.fileno(), size)
    return path

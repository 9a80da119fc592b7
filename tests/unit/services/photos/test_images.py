"""An image file made fit to store: upright, without GPS or serial numbers, re-encoded, thumbnailed, its camera time
read; every bad file refused with one line naming it, before anything is decoded where that matters."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from clinic_log.services.photos import images
from clinic_log.services.photos.images import ImageRefused, prepare, read_checked
from tests.unit.services.photos.photo_files import (
    BLUE,
    BODY_SERIAL,
    CAMERA_SERIAL,
    DATE_TIME_ORIGINAL,
    EXIF_IFD,
    GPS_IFD,
    LENS_SERIAL,
    MAKE,
    ORIENTATION,
    RED,
    phone_jpeg,
    plain,
    png_claiming,
    sparse,
    text_file,
    truncated_jpeg,
)


def stored(path: Path) -> images.PreparedImage:
    return prepare(path.name, read_checked(path))


def close(pixel: object, color: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) < 40 for a, b in zip(pixel, color, strict=False))


def test_a_sideways_phone_jpeg_is_stored_upright_without_its_orientation_tag(tmp_path: Path) -> None:
    prepared = stored(phone_jpeg(tmp_path / "a.jpg"))  # 80 x 40, red left; orientation 6: turn 90° clockwise
    image = Image.open(BytesIO(prepared.data))
    assert image.format == "JPEG" and image.size == (40, 80) == (prepared.width, prepared.height)
    assert close(image.getpixel((20, 10)), RED)  # the left half is now on top
    assert close(image.getpixel((20, 70)), BLUE)
    assert ORIENTATION not in image.getexif()


def test_gps_and_serial_numbers_are_gone_and_the_camera_time_stays(tmp_path: Path) -> None:
    exif = Image.open(BytesIO(stored(phone_jpeg(tmp_path / "a.jpg")).data)).getexif()
    assert GPS_IFD not in exif and exif.get_ifd(GPS_IFD) == {}
    assert CAMERA_SERIAL not in exif
    inner = exif.get_ifd(EXIF_IFD)
    assert BODY_SERIAL not in inner and LENS_SERIAL not in inner
    assert inner[DATE_TIME_ORIGINAL] == "2026:05:01 10:11:12"
    assert exif[MAKE] == "Canon"


def test_the_hash_is_of_the_stored_bytes_and_the_thumbnail_is_a_small_jpeg(tmp_path: Path) -> None:
    import hashlib

    prepared = stored(phone_jpeg(tmp_path / "a.jpg", image=Image.new("RGB", (1000, 600), RED), orientation=1))
    assert prepared.sha256 == hashlib.sha256(prepared.data).hexdigest()
    thumb = Image.open(BytesIO(prepared.thumbnail))
    assert thumb.format == "JPEG" and thumb.size == (320, 192)


def test_camera_time_with_its_offset_is_read_in_that_zone(tmp_path: Path) -> None:
    prepared = stored(phone_jpeg(tmp_path / "a.jpg", offset="+02:00"))
    assert prepared.camera_time == images.CameraTime(datetime(2026, 5, 1, 8, 11, 12, tzinfo=UTC), None)


def test_camera_time_without_an_offset_is_read_in_this_computers_zone_and_says_so(
        tmp_path: Path, local_zone_los_angeles: None) -> None:
    prepared = stored(phone_jpeg(tmp_path / "a.jpg", offset=None))
    assert prepared.camera_time == images.CameraTime(datetime(2026, 5, 1, 17, 11, 12, tzinfo=UTC), "UTC-07:00")


def test_a_blank_camera_time_is_no_time(tmp_path: Path) -> None:
    assert stored(phone_jpeg(tmp_path / "a.jpg", taken="0000:00:00 00:00:00")).camera_time is None


def test_png_stays_png_and_tiff_and_heic_become_jpeg(tmp_path: Path) -> None:
    import pillow_heif

    heic = tmp_path / "phone.heic"
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), RED)).save(heic, quality=90)
    assert stored(plain(tmp_path / "a.png", "PNG")).mime == "image/png"
    assert stored(plain(tmp_path / "a.tif", "TIFF")).mime == "image/jpeg"
    from_phone = stored(heic)
    assert from_phone.mime == "image/jpeg" and (from_phone.width, from_phone.height) == (64, 48)
    assert Image.open(BytesIO(from_phone.data)).format == "JPEG"


def test_the_heic_reader_is_not_loaded_until_a_heic_file_comes() -> None:
    code = ("import sys; import clinic_log.services.photos.photo_export, clinic_log.cli; "
            "print('pillow_heif' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_text_file_named_jpg_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(ImageRefused, match=r"^photo\.jpg: not an image"):
        stored(text_file(tmp_path / "photo.jpg"))


def test_a_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageRefused, match=r"^b\.jpg: truncated JPEG$"):
        stored(truncated_jpeg(tmp_path / "b.jpg"))


def test_a_gif_is_not_taken(tmp_path: Path) -> None:
    with pytest.raises(ImageRefused, match=r"^a\.gif: GIF images are not taken; a JPEG, PNG, HEIC or TIFF photo$"):
        stored(plain(tmp_path / "a.gif", "GIF"))


def test_a_header_claiming_50000_by_50000_pixels_is_refused_as_a_bomb(tmp_path: Path) -> None:
    with pytest.raises(ImageRefused, match=r"^bomb\.png: image too large to decode safely \(2500000000 pixels;"):
        stored(png_claiming(tmp_path / "bomb.png", 50_000, 50_000))


def test_an_image_over_the_services_own_pixel_limit_is_refused(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ImageRefused, match=r"^big\.png: image too large to decode safely \(1800 pixels; at most 1000"):
        stored(plain(tmp_path / "big.png", "PNG", (60, 30)))


def test_a_200_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    huge = sparse(tmp_path / "huge.png", 200 * 1024 * 1024)
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    with pytest.raises(ImageRefused, match=r"^huge\.png: 200 MB is over the 50 MB limit$"):
        read_checked(huge)

"""Photos added to a cached benchmark database: a copy of the demo database with `n` photo rows, written in one
transaction with executemany (never through add_photos one by one), kept in benchmarks/.data like the others.

The images are small and synthetic: BLOBS distinct JPEGs (each with a thumbnail) generated with Pillow, shared by
the photo rows as the content-addressed schema allows. Photos go to every tenth session (by id), front first, then
the next views, each taken at its session's start, of the session's first area. No audit rows are written: the
history reads neither them nor the photos; what the photos change is the file the history reads from.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import sys
from pathlib import Path

from _common import copy_db, data_version, is_cached, mark_cached, move_db, source_digest

BLOBS = 4_000
VIEWS = ("front", "left45", "right45", "left90", "right90", "closeup")
SIZE, THUMB = (160, 120), (64, 48)


def photos_db_name(base: Path, photos: int) -> str:
    return f"{base.stem}-photos-{photos // 1000}k.sqlite3"


def synthetic_blobs(count: int) -> list[tuple[str, int, int, str, int, bytes, bytes]]:
    """`count` distinct small JPEGs as photo_blobs rows: (sha256, width, height, mime, byte size, thumbnail,
    original)."""
    from PIL import Image, ImageDraw

    rows = []
    for n in range(count):
        image = Image.new("RGB", SIZE, (n * 37 % 256, n * 91 % 256, n * 53 % 256))
        draw = ImageDraw.Draw(image)
        draw.text((8, 8), f"{n:05d}", fill=(255 - n % 256, 255, 255))  # distinct bytes for each
        draw.ellipse((40 + n % 60, 30, 100 + n % 60, 90), outline=(0, 0, 0))
        original, thumbnail = io.BytesIO(), io.BytesIO()
        image.save(original, "JPEG", quality=85)
        image.resize(THUMB).save(thumbnail, "JPEG", quality=80)
        data = original.getvalue()
        rows.append((hashlib.sha256(data).hexdigest(), SIZE[0], SIZE[1], "image/jpeg", len(data),
                     thumbnail.getvalue(), data))
    if len({row[0] for row in rows}) != count:
        raise SystemExit("the synthetic photos are not all distinct")
    return rows


def add_photos(path: Path, photos: int) -> None:
    """Add `photos` photo rows (and BLOBS blobs) to the database at `path`, in one transaction."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=OFF")  # a scratch copy: nothing to lose until it is moved in place
        sessions = con.execute(
            "SELECT s.id, s.client_id, s.started_at, (SELECT a.area_code FROM session_areas a "
            "WHERE a.session_id = s.id ORDER BY a.id LIMIT 1) FROM sessions s WHERE s.id % 10 = 3 "
            "ORDER BY s.id").fetchall()
        blobs = synthetic_blobs(min(BLOBS, photos))
        rows = []
        for n in range(photos):
            session_id, client_id, started_at, area = sessions[n % len(sessions)]
            view = VIEWS[n // len(sessions) % len(VIEWS)]
            rows.append((client_id, session_id, area, view, "clinical", started_at, "exif", "bench", started_at,
                         blobs[n % len(blobs)][0], 1))
        con.execute("BEGIN")
        con.executemany("INSERT INTO photo_blobs (sha256, width, height, mime, byte_size, thumbnail, original) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", blobs)
        con.executemany("INSERT INTO photos (client_id, session_id, area_code, view, use, taken_at, taken_at_source, "
                        "taken_by, added_at, sha256, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
        con.execute("ANALYZE photos")
        con.execute("ANALYZE photo_blobs")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def ensure_photos_db(base: Path, photos: int) -> Path:
    """A copy of the cached database `base` with `photos` photos added, made when missing or stale."""
    path = base.with_name(photos_db_name(base, photos))
    base_version = base.with_name(base.name + ".version").read_text(encoding="utf-8")
    version = data_version(base_version, f"photos={photos}", f"blobs={BLOBS}",
                           f"loader={source_digest('benchmarks/_photo_data.py')}")
    if not is_cached(path, version):
        print(f"(adding {photos:,} photos to a copy of {base.name}: {path.name}; kept for later runs)",
              file=sys.stderr, flush=True)
        scratch = path.with_name(path.stem + ".tmp.sqlite3")
        copy_db(base, scratch)
        add_photos(scratch, photos)
        move_db(scratch, path)
        mark_cached(path, version)
    return path

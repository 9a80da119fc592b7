"""Benchmark: importing a folder of 12-megapixel JPEGs through the photo service against Pillow alone doing the same
image work, and the service's peak memory for half and all of the folder.

Run from the repository root::

    python benchmarks/bench_photo_import.py [--quick]

50 JPEGs of 4000×3000 (noise over a gradient, EXIF orientation 6, GPS and serial tags, like a phone's), made once
and kept in benchmarks/.data; --quick: 10 of 2000×1500. Each path runs in its own subprocess, which reports its time
and its peak resident memory (ru_maxrss):

- app: `add_photos` on the folder into a new SQLite database (client with photo consent): per file a size check,
  decode with the bomb limit, verify, orientation, EXIF whitelist, re-encode, thumbnail, SHA-256, one transaction
  with the blob, the photo row and its audit row;
- baseline: a loop doing with Pillow alone the same decode, verify, orientation, EXIF strip, re-encode (quality 92),
  thumbnail and SHA-256, keeping nothing.

Goals: app ≤ 1.5× baseline; peak memory flat (one photo in memory at a time): the app's peak for all the files
within 1.25× of its peak for half of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import tempfile
import time
from io import BytesIO
from pathlib import Path

from _common import PYTHON, data_dir, is_cached, mark_cached, print_table, ratio, verdict

FULL, QUICK = (50, (4000, 3000)), (10, (2000, 1500))
GOAL, MEMORY_GOAL = 1.5, 1.25
FOLDER_VERSION = "1"
_KEPT_MAIN = (0x010F, 0x0110, 0x0131, 0x0132)
_KEPT_EXIF = (0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x829A, 0x829D, 0x8827, 0x9204, 0x9209, 0x920A, 0xA001,
              0xA403, 0xA405, 0xA434)


def make_folder(count: int, size: tuple[int, int]) -> Path:
    """`count` phone-like JPEGs of `size`, made once (each different: noise) and reused while the version holds."""
    from PIL import Image

    folder = data_dir() / f"photos-{count}-{size[0]}x{size[1]}"
    version = f"{FOLDER_VERSION}|{count}|{size}"
    if is_cached(folder, version):
        return folder
    folder.mkdir(exist_ok=True)
    gradient = Image.linear_gradient("L").resize(size)
    for i in range(count):
        noise = Image.effect_noise(size, 24)
        image = Image.merge("RGB", (Image.blend(noise, gradient, 0.6), gradient,
                                    Image.blend(gradient.rotate(180), noise, 0.3)))
        exif = Image.Exif()
        exif[0x0112], exif[0x010F], exif[0xC62F] = 6, "Canon", f"CAM-{i}"
        inner = exif.get_ifd(0x8769)
        inner[0x9003], inner[0x9011], inner[0xA431] = f"2026:05:{1 + i % 28:02d} 10:11:12", "+02:00", "BODY-1"
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (51.0, 30.0, float(i))
        image.save(folder / f"IMG_{i:04d}.jpg", "JPEG", quality=92, exif=exif.tobytes())
    mark_cached(folder, version)
    return folder


def baseline(files: list[Path]) -> None:
    """Pillow alone: the same image work as the service, in a loop, one photo in memory at a time."""
    from PIL import Image, ImageOps

    for path in files:
        data = path.read_bytes()
        Image.open(BytesIO(data)).verify()
        image = Image.open(BytesIO(data))
        image.load()
        exif = image.getexif()
        kept = Image.Exif()
        for tag in _KEPT_MAIN:
            if tag in exif:
                kept[tag] = exif[tag]
        inner = exif.get_ifd(0x8769)
        kept.get_ifd(0x8769).update({t: inner[t] for t in _KEPT_EXIF if t in inner})
        upright = ImageOps.exif_transpose(image)
        out = BytesIO()
        upright.save(out, "JPEG", quality=92, exif=kept.tobytes(), icc_profile=image.info.get("icc_profile"))
        stored = out.getvalue()
        hashlib.sha256(stored).hexdigest()
        small = upright.copy()
        small.thumbnail((320, 320))
        small.save(BytesIO(), "JPEG", quality=85)


def app(files: list[Path], work: Path) -> None:
    from datetime import date

    from clinic_log.domain.actor import Actor
    from clinic_log.domain.enums import ConsentPurpose, UserRole
    from clinic_log.services.backup.database import prepare_database
    from clinic_log.services.clients.clients import ClientDetails, create_client
    from clinic_log.services.clients.consents import record_consent
    from clinic_log.services.photos.photos import add_photos

    owner = Actor("bench", UserRole.OWNER)
    db = prepare_database(str(work / "photos.sqlite3"))
    client = create_client(db, owner, ClientDetails("B-1", "Bench", "Client"))
    record_consent(db, owner, client.id, "Bench Client", date.today(), purpose=ConsentPurpose.PHOTOS_CLINICAL)
    start = time.perf_counter()
    result = add_photos(db, owner, "B-1", files)
    seconds = time.perf_counter() - start
    db.dispose()
    if result.refused:
        raise SystemExit(f"refused: {[f.problem for f in result.refused]}")
    print(json.dumps({"seconds": seconds}))


def child(kind: str, folder: Path, count: int) -> None:
    files = sorted(folder.glob("*.jpg"))[:count]
    if kind == "app":
        with tempfile.TemporaryDirectory() as work:
            app(files, Path(work))  # prints its own time: the database set-up is not the import
    else:
        from PIL import Image, ImageOps  # imported before the clock starts, as the app's are

        Image.init()
        assert ImageOps
        start = time.perf_counter()
        baseline(files)
        print(json.dumps({"seconds": time.perf_counter() - start}))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"peak_mb": peak_mb}))


def measured(kind: str, folder: Path, count: int) -> tuple[float, float]:
    """(seconds, peak MB) of one path in a fresh interpreter."""
    done = subprocess.run([PYTHON, __file__, "--child", kind, str(folder), str(count)], capture_output=True,
                          text=True, check=True)
    values: dict[str, float] = {}
    for line in done.stdout.splitlines():
        values.update(json.loads(line))
    return values["seconds"], values["peak_mb"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK[0]} photos of {QUICK[1][0]}×{QUICK[1][1]}")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FOLDER", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return 0
    count, size = QUICK if args.quick else FULL
    folder = make_folder(count, size)
    megabytes = sum(p.stat().st_size for p in folder.glob("*.jpg")) / 1e6
    base_s, base_mb = measured("baseline", folder, count)
    app_s, app_mb = measured("app", folder, count)
    half_s, half_mb = measured("app", folder, count // 2)
    rows = [
        [f"Pillow alone, {count} files", f"{base_s:.1f}", f"{count / base_s:.2f}", f"{base_mb:.0f}"],
        [f"app add_photos, {count} files", f"{app_s:.1f}", f"{count / app_s:.2f}", f"{app_mb:.0f}"],
        [f"app add_photos, {count // 2} files", f"{half_s:.1f}", f"{(count // 2) / half_s:.2f}", f"{half_mb:.0f}"],
    ]
    print_table(f"Photo import: {count} JPEGs of {size[0]}×{size[1]} ({megabytes:.0f} MB), one run each",
                ["path", "seconds", "photos/s", "peak RSS MB"], rows,
                [f"ratio app / Pillow alone: {ratio(app_s, base_s)} (goal ≤ {GOAL}×: {verdict(app_s / base_s, GOAL)})",
                 f"peak memory {count} / {count // 2} files: {ratio(app_mb, half_mb)} (goal ≤ {MEMORY_GOAL}×, flat: "
                 f"{verdict(app_mb / half_mb, MEMORY_GOAL)})",
                 "app: size check, decode, verify, orientation, EXIF whitelist, re-encode (JPEG q92), thumbnail, "
                 "SHA-256, and per file one SQLite transaction (blob, photo row, audit row); each path in its own "
                 "interpreter (peak RSS includes imports)"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Sample aftercare sheets, made the way the app makes them (database → services → PDF), rendered to PNG.

    python -m tools.aftercare_samples [--out docs/screenshots]

Writes ``aftercare_sheet_<name>.pdf`` into a temporary folder (or ``--pdf-dir``) and, when poppler's
``pdftoppm`` is installed, ``aftercare_sheet_<name>-<page>.png`` at 60 dpi into ``--out``: a Latin name, a
simplified-Chinese name with a Chinese complication paragraph, a Cyrillic name, a 12-area session with three
complications (two pages) and an RF (Morpheus8) session, which prints the RF timeline; and, for a Fitzpatrick V
client named in each of four scripts (Latin with diacritics, Chinese 李娜, Arabic, Devanagari), a six-area
mechanical and a six-area RF sheet with two products, one complication and the out-of-hours number
(``aftercare_sheet_fitz5_<script>_<modality>``). Look at every page.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.values import AreaInput, ComplicationInput, ProductInput, SessionInput
from clinic_log.reports.aftercare_pdf import build_aftercare_pdf
from clinic_log.services.backup.database import init_database
from clinic_log.services.clients import clients
from clinic_log.services.clients.aftercare import aftercare_sheet
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clinic.clinic_settings import save_settings
from clinic_log.services.devices import devices
from clinic_log.services.people import people
from clinic_log.services.sessions.sessions import log_session

OWNER = Actor("owner", UserRole.OWNER)
CHINESE_NOTE = ("轻微发红是正常的，通常一到三天消退。请保持皮肤凉爽，只使用我们给您的修护霜；"
                "如出现水疱或发热，请立即联系我们。")
TWELVE_AREAS = (
    AreaInput("forehead", 0.5, 2), AreaInput("periorbital", 0.25, 1), AreaInput("nose", 0.5, 2),
    AreaInput("cheeks", 1.75, 3, indication="acne_scars"), AreaInput("perioral", 0.5, 2),
    AreaInput("chin_jaw", 1.0, 2), AreaInput("neck", 0.75, 2), AreaInput("decolletage", 0.75, 2),
    AreaInput("hands", 0.5, 2), AreaInput("scalp", 0.75, 2), AreaInput("abdomen", 1.5, 3, indication="stretch_marks"),
    AreaInput("thighs", 1.5, 3, indication="stretch_marks"),
)


SIX_AREAS = TWELVE_AREAS[:6]
SIX_RF_AREAS = (AreaInput("forehead", 1.0, 2, tip="prime", rf_energy=20), AreaInput("periorbital", 0.5, 1, tip="prime",
                                                                                   rf_energy=15),
                AreaInput("nose", 1.0, 1, tip="prime", rf_energy=15),
                AreaInput("cheeks", 2.5, 2, indication="acne_scars", tip="facial", rf_energy=30),
                AreaInput("perioral", 1.0, 1, tip="prime", rf_energy=15),
                AreaInput("chin_jaw", 2.0, 2, tip="facial", rf_energy=25))
PRODUCTS = (ProductInput("Hyaluronic acid serum 2%", 10), ProductInput("Soothing recovery balm"))
FOUR_SCRIPTS = {"latin": ("Zoë", "Ñúñez-Łukasiewicz"), "chinese": ("娜", "李"), "arabic": ("فاطمة", "الزهراء"),
                "devanagari": ("प्रिया", "शर्मा")}


def _client(db: Database, ref: str, first: str, last: str, fitzpatrick: int = 2) -> int:
    client = clients.create_client(db, OWNER, clients.ClientDetails(ref, first, last, date(1988, 3, 14),
                                                                    fitzpatrick=fitzpatrick))
    record_consent(db, OWNER, client.id, f"{first} {last}", date(2026, 6, 1))
    return client.id


def sample_sheets(folder: Path) -> dict[str, bytes]:
    """Build the sample sheets in a fresh database under `folder`; name → PDF bytes."""
    db, _ = init_database(str(folder / "samples.sqlite3"))
    try:
        derm = people.create_practitioner(db, OWNER, people.PractitionerDetails(
            "ahart", "Dr Amelia Hart", "dermatologist", False, 4.0, "GMC-1", date(2031, 1, 1)))
        pen = devices.add_device(db, OWNER, "Dermapen 4", "DP4-2291")
        rf = devices.add_device(db, OWNER, "Morpheus8", "M8-0042")
        actor = Actor("ahart", UserRole.PRACTITIONER, derm.id)
        started = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

        def session(client_id: int, device_id: int, lot: str, areas: Sequence[AreaInput] = (),
                    complications: Sequence[ComplicationInput] = (), products: Sequence[ProductInput] = ()) -> int:
            entry = SessionInput(client_id=client_id, practitioner_id=derm.id, started_at=started,
                                 device_id=device_id, cartridge_lot=lot, lot_expires=date(2027, 6, 30),
                                 areas=tuple(areas) or (AreaInput("forehead", 0.5, 2), AreaInput("cheeks", 1.0, 3)),
                                 complications=tuple(complications), products=tuple(products), course_index=1,
                                 course_total=3)
            return log_session(db, actor, entry, reason="sample sheet", sign=True).id

        sheets = {
            "latin": aftercare_sheet(db, session(_client(db, "S-1", "Zofia", "Łukasiewicz"), pen.id, "DP16-1",
                                                 complications=(ComplicationInput("erythema", 1),))),
            "cjk": aftercare_sheet(db, session(_client(db, "S-2", "张", "设备"), pen.id, "DP16-1",
                                               complications=(ComplicationInput("erythema", 1),))),
            "cyrillic": aftercare_sheet(db, session(_client(db, "S-3", "Арина", "Соколова"), pen.id, "DP16-1")),
            "two_pages": aftercare_sheet(db, session(
                _client(db, "S-4", "Şükrü", "Öztürk"), pen.id, "DP16-1", TWELVE_AREAS,
                (ComplicationInput("erythema", 1), ComplicationInput("pih", 2),
                 ComplicationInput("hsv_reactivation", 2)))),
            "rf": aftercare_sheet(db, session(_client(db, "S-5", "Li", "Na 李娜"), rf.id, "M8T-24",
                                              (AreaInput("cheeks", 2.0, 2), AreaInput("chin_jaw", 2.5, 2)))),
        }
        save_settings(db, OWNER, {"clinic.out_of_hours_phone": "+44 7700 900123"})
        for n, (script, (given, family)) in enumerate(FOUR_SCRIPTS.items()):
            client_id = _client(db, f"F-{n}", given, family, fitzpatrick=5)
            pih = (ComplicationInput("pih", 2),)
            sheets[f"fitz5_{script}_mechanical"] = aftercare_sheet(db, session(
                client_id, pen.id, "DP16-1", SIX_AREAS, pih, PRODUCTS))
            sheets[f"fitz5_{script}_rf"] = aftercare_sheet(db, session(
                client_id, rf.id, "M8T-24", SIX_RF_AREAS, pih, PRODUCTS))
        # A complication paragraph in simplified Chinese, as a clinic serving Chinese clients would write it.
        cjk = sheets["cjk"]
        sheets["cjk"] = replace(cjk, complications=tuple(replace(c, instructions=CHINESE_NOTE)
                                                         for c in cjk.complications))
        return {name: build_aftercare_pdf(sheet) for name, sheet in sheets.items()}
    finally:
        db.dispose()


def render(pdf: Path, out: Path) -> list[Path]:
    """Each page of `pdf` as PNG at 60 dpi in `out` (needs pdftoppm); the files written."""
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNG pages")
    parser.add_argument("--pdf-dir", type=Path, help="keep the PDFs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        pdf_dir = args.pdf_dir or Path(scratch)
        pdf_dir.mkdir(parents=True, exist_ok=True)
        for name, pdf in sample_sheets(Path(scratch)).items():
            path = pdf_dir / f"aftercare_sheet_{name}.pdf"
            path.write_bytes(pdf)
            if shutil.which("pdftoppm") is None:
                print(f"{path} ({len(pdf) // 1024} KB); pdftoppm not found: apt-get install poppler-utils")
                continue
            for old in args.out.glob(f"{path.stem}-*.png"):
                old.unlink()
            pages = render(path, args.out)
            print(f"{name}: {len(pdf) // 1024} KB, {len(pages)} page(s): {', '.join(p.name for p in pages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tests for the aftercare sheet PDF: its text, pages, paper, fonts on the page, logo and isolation from Qt."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image as PILImage

from clinic_log.reports import fonts
from clinic_log.reports.aftercare_pdf import build_aftercare_pdf
from clinic_log.reports.sheet_data import (
    AftercareSheet,
    ClinicInfo,
    SheetArea,
    SheetComplication,
    TimelineStep,
    severity_word,
)

NAMES = ["Zofia Łukasiewicz", "Şükrü Öztürk", "李娜", "Арина Соколова"]

CLINIC = ClinicInfo(
    name="Clinic Log Demo Clinic",
    address="12 Harley Street, London W1G 9PF",
    phone="+44 20 7946 0000",
)

TIMELINE = (
    TimelineStep(
        "Day 0",
        "Your skin will be red, like a sunburn. No make-up for 24 hours. Touch your face only with "
        "clean hands. Wash with a gentle cleanser and lukewarm water.",
    ),
    TimelineStep("First 24 hours", "No exercise, sauna, swimming or alcohol-based products."),
    TimelineStep(
        "24\u201372 hours", "Broad-spectrum SPF 30+ every day, re-applied through the day. No direct sun."
    ),
    TimelineStep(
        "Days 2\u20137", "No retinoids, acids (AHA/BHA), vitamin C, scrubs or waxing for 5\u20137 days."
    ),
    TimelineStep(
        "Day 5 onwards", "Resume your usual routine. Your next session is usually 4\u20136 weeks later."
    ),
)

COMPLICATIONS = (
    SheetComplication(
        "Erythema (redness)",
        1,
        "Redness like a mild sunburn is expected for 1\u20133 days. Keep the skin cool and use only the "
        "balm we gave you.",
    ),
    SheetComplication(
        "Oedema (swelling)",
        1,
        "Mild swelling usually settles within 48 hours. Sleep with your head slightly raised; a cool "
        "clean compress may help.",
    ),
    SheetComplication(
        "Pinpoint bleeding",
        2,
        "Tiny spots of blood are normal on the day. Do not pick the small crusts; let them fall off "
        "by themselves.",
    ),
)

TYPICAL_AREAS = (
    SheetArea("Forehead", 0.5, 2),
    SheetArea("Cheeks", 1.5, 3),
    SheetArea("Periorbital (around the eyes)", 0.25, 1),
)

BIG_AREAS = tuple(SheetArea(f"Zone {i:02d}", 0.25 * i, 1 + i % 3) for i in range(1, 33))


def typical_sheet(**changes: Any) -> AftercareSheet:
    """3 areas, 2 products, 1 complication, 5 timeline steps."""
    sheet = AftercareSheet(
        session_id=1042,
        clinic=CLINIC,
        client_name="Jane Doe",
        client_date_of_birth=date(1988, 3, 14),
        session_started_at=datetime(2025, 11, 25, 14, 30),
        practitioner_name="Dr Amelia Hart",
        supervisor_name=None,
        device_name="Dermapen 4",
        areas=TYPICAL_AREAS,
        products=("Hyaluronic acid serum 2%", "Soothing recovery balm"),
        complications=COMPLICATIONS[:1],
        timeline=TIMELINE,
        call_us="Call the clinic if you have rising pain or swelling after 48 hours, pus, fever, "
        "blisters or cold sores, spreading redness, or a rash.",
        next_appointment="Tuesday 23 December 2025, 10:00",
        template_version=3,
    )
    return replace(sheet, **changes)


def big_sheet(**changes: Any) -> AftercareSheet:
    """32 areas (two side by side: 16 rows) and 3 complications: needs a second page."""
    return typical_sheet(areas=BIG_AREAS, complications=COMPLICATIONS, **changes)


def reader(sheet: AftercareSheet) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(build_aftercare_pdf(sheet)))


@cache
def page_texts(sheet: AftercareSheet) -> list[str]:
    """Extracted text of each page (cached: sheets are frozen, so hashable)."""
    return [page.extract_text() for page in reader(sheet).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so text wrapped over several lines compares as one line."""
    return " ".join(text.split())


def base_fonts(page: pypdf.PageObject) -> list[str]:
    resources: Any = page["/Resources"]
    font_dict = resources["/Font"]
    return [str(font.get_object()["/BaseFont"]) for font in font_dict.values()]


# --- text content ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_client_name_appears_whole(name: str) -> None:
    text = "\n".join(page_texts(typical_sheet(client_name=name)))
    assert name in text


@pytest.mark.parametrize("name", NAMES)
def test_practitioner_and_supervisor_names_appear_whole(name: str) -> None:
    text = flat("\n".join(page_texts(typical_sheet(practitioner_name=name, supervisor_name=name[::-1]))))
    assert f"{name}, supervised by {name[::-1]}" in text


def test_no_supervisor_line_without_supervisor() -> None:
    assert "supervised by" not in "".join(page_texts(typical_sheet()))


@pytest.mark.parametrize("area", BIG_AREAS, ids=lambda a: a.label)
def test_each_area_is_listed_with_its_depth(area: SheetArea) -> None:
    text = "\n".join(page_texts(big_sheet()))
    depth = f"{area.depth_mm:.2f}"
    assert re.search(rf"{re.escape(area.label)}\s+{re.escape(depth)}\s+{area.passes}\b", text)


def test_depth_has_two_decimals() -> None:
    text = "\n".join(page_texts(typical_sheet()))
    assert re.search(r"Forehead\s+0\.50\s+2", text)
    assert re.search(r"Cheeks\s+1\.50\s+3", text)


@pytest.mark.parametrize("complication", COMPLICATIONS, ids=lambda c: c.label)
def test_each_complication_is_explained(complication: SheetComplication) -> None:
    text = flat("\n".join(page_texts(big_sheet())))
    assert complication.label in text
    assert flat(complication.instructions) in text
    assert f"{complication.label} {severity_word(complication.grade).capitalize()}" in text


def test_complication_section_only_when_there_are_complications() -> None:
    assert "About what we noted today" in "".join(page_texts(typical_sheet()))
    assert "About what we noted today" not in "".join(page_texts(typical_sheet(complications=())))


def test_timeline_call_us_and_next_appointment_appear() -> None:
    sheet = typical_sheet()
    text = flat("\n".join(page_texts(sheet)))
    for step in TIMELINE:
        assert flat(step.text) in text
        assert step.when in text
    assert flat(sheet.call_us) in text
    assert f"Call {CLINIC.phone}" in text
    assert "Next appointment: Tuesday 23 December 2025, 10:00" in text
    assert "Products applied: Hyaluronic acid serum 2%, Soothing recovery balm" in text
    assert "25 November 2025, 14:30" in text
    assert "14 March 1988" in text


def test_next_appointment_line_omitted_when_not_given() -> None:
    assert "Next appointment" not in "".join(page_texts(typical_sheet(next_appointment=None)))


def test_markup_characters_in_data_are_printed_literally() -> None:
    text = flat("\n".join(page_texts(typical_sheet(client_name="A <b>&amp; B</b>"))))
    assert "A <b>&amp; B</b>" in text


def test_template_version_and_session_in_footer() -> None:
    texts = page_texts(typical_sheet())
    assert "Template v3 · Session 1042 · Page 1 of 1" in texts[0]


# --- pagination --------------------------------------------------------------------------


def test_typical_sheet_fits_on_one_page() -> None:
    assert len(reader(typical_sheet()).pages) == 1


@pytest.mark.parametrize("name", NAMES)
def test_typical_sheet_fits_on_one_page_on_letter_paper(name: str) -> None:
    letter = replace(CLINIC, paper="Letter")
    assert len(reader(typical_sheet(clinic=letter, client_name=name)).pages) == 1


def test_big_sheet_flows_to_second_page_with_footer_on_each() -> None:
    texts = page_texts(big_sheet())
    assert len(texts) == 2
    assert "Page 1 of 2" in texts[0]
    assert "Page 2 of 2" not in texts[0]
    assert "Page 2 of 2" in texts[1]
    assert "Page 1 of 2" not in texts[1]
    for text in texts:
        assert "Template v3 · Session 1042" in text


def test_the_next_appointment_never_sits_alone_on_a_page() -> None:
    """When the sheet runs over, the last section moves with the next-appointment line."""
    for count in range(20, 60, 2):
        texts = page_texts(typical_sheet(areas=BIG_AREAS[:1] * count, complications=COMPLICATIONS))
        last = flat(texts[-1])
        if "Next appointment" in last:
            body = last.split("Template v3")[0]
            assert body.strip() != "Next appointment: Tuesday 23 December 2025, 10:00", f"{count} areas"
            if len(texts) > 1:
                assert "About what we noted today" in texts[-1] or "Call us if" in texts[-1], f"{count} areas"


# --- paper -------------------------------------------------------------------------------


def test_letter_paper_is_612_points_wide() -> None:
    page = reader(typical_sheet(clinic=replace(CLINIC, paper="Letter"))).pages[0]
    assert float(page.mediabox.width) == pytest.approx(612)
    assert float(page.mediabox.height) == pytest.approx(792)


def test_a4_paper_is_a4() -> None:
    page = reader(typical_sheet()).pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.01)


# --- fonts -------------------------------------------------------------------------------


def test_cjk_name_is_drawn_in_ipaexgothic() -> None:
    page = reader(typical_sheet(client_name="李娜")).pages[0]
    assert any("IPAexGothic" in name for name in base_fonts(page))
    drawn_in = _fonts_drawing(page)
    for char in "李娜":
        assert drawn_in.get(char), f"{char} not drawn"
        assert all("IPAexGothic" in f for f in drawn_in[char]), drawn_in[char]
    assert all("DejaVuSans" in f for f in drawn_in["C"] | drawn_in["a"])


def _fonts_drawing(page: pypdf.PageObject) -> dict[str, set[str]]:
    """For each character drawn on the page, the BaseFont names it was drawn in."""
    drawn_in: dict[str, set[str]] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font is not None:
            for char in text:
                drawn_in.setdefault(char, set()).add(str(font["/BaseFont"]))

    page.extract_text(visitor_text=visit)
    return drawn_in


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "術後ケア Aftercare"},
        {"areas": (SheetArea("額 forehead", 0.5, 2),)},
        {"timeline": (TimelineStep("当日", "Day 0 text"),)},
        {"clinic": replace(CLINIC, name="李 Clinic")},
        {"device_name": "機器 4"},
    ],
    ids=["title", "area", "timeline-when", "clinic-name", "device"],
)
def test_cjk_in_headings_and_cells_uses_the_fallback_font(changes: dict[str, Any]) -> None:
    drawn_in = _fonts_drawing(reader(typical_sheet(**changes)).pages[0])
    cjk = [c for c in "".join(str(v) for v in changes.values()) if "\u3000" <= c <= "\u9fff"]
    assert cjk
    for char in cjk:
        assert drawn_in.get(char), f"{char} not drawn"
        assert all("IPAexGothic" in f for f in drawn_in[char]), drawn_in[char]


def test_long_area_label_wraps_and_stays_whole() -> None:
    label = (
        "Cheeks and jawline including the submental area under the chin, both sides, "
        "with extra passes over acne scarring"
    )
    texts = page_texts(typical_sheet(areas=(SheetArea(label, 1.25, 3),)))
    assert len(texts) == 1
    assert re.search(re.escape(label).replace(r"\ ", r"\s+") + r"\s+1\.25\s+3", texts[0])


def test_latin_only_sheet_does_not_use_the_cjk_font() -> None:
    page = reader(typical_sheet(client_name="Zofia Łukasiewicz")).pages[0]
    names = base_fonts(page)
    assert not any("IPAexGothic" in name for name in names)
    assert any("DejaVuSans" in name for name in names)


# A simplified-Chinese complication paragraph: 设, 护, 疱, 联, 系 … are not in IPAexGothic.
CHINESE_NOTE = "请每天涂抹防晒霜，避免日晒。如出现水疱或发热，请立即联系我们，我们会安排医生护理。"


def _font_cmaps() -> dict[str, frozenset[int]]:
    """Each bundled font's code points, read straight from its file's cmap (not through fonts.py)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    folder = fonts.resources_dir() / "fonts"
    files = {"DejaVuSans-Bold": "DejaVuSans-Bold.ttf", "DejaVuSans": "DejaVuSans.ttf",
             "IPAexGothic": "ipaexg.ttf", "WenQuanYiMicroHei": "wqy-microhei.ttc"}
    return {name: frozenset(TTFontFile(str(folder / file), subfontIndex=0).charToGlyph) for name, file in files.items()}


def test_simplified_chinese_name_and_note_extract_whole_and_each_glyph_is_in_its_font() -> None:
    sheet = typical_sheet(client_name="张设备",
                          complications=(SheetComplication("Erythema (redness)", 1, CHINESE_NOTE),))
    page = reader(sheet).pages[0]
    text = page.extract_text()
    assert "张设备" in text
    assert CHINESE_NOTE in "".join(text.split())
    cmaps = _font_cmaps()
    drawn_in = _fonts_drawing(page)
    for char in set("张设备" + CHINESE_NOTE):
        assert drawn_in.get(char), f"{char} not drawn"
        for base_font in drawn_in[char]:
            font = next(name for name in cmaps if name in base_font)
            assert ord(char) in cmaps[font], f"{char} drawn in {font}, which has no glyph for it"
    assert all("WenQuanYiMicroHei" in f for f in drawn_in["设"] | drawn_in["护"])


CLOSING_PUNCTUATION = frozenset("，。；：！？、）》」』】〕")


@pytest.mark.parametrize("lead", ["", "护" * 3, "护" * 7, "Apply SPF 50 daily. 护护", "护" * 11])
def test_chinese_text_breaks_between_characters_but_never_before_closing_punctuation(lead: str) -> None:
    note = lead + CHINESE_NOTE * 3 + " Call 0161 555 0100 if worried."
    sheet = typical_sheet(client_name="张设备", complications=(SheetComplication("Erythema (redness)", 1, note),))
    lines = [line.strip() for line in reader(sheet).pages[0].extract_text().splitlines() if line.strip()]
    assert not [line for line in lines if line[0] in CLOSING_PUNCTUATION]
    chinese = [line for line in lines if "请" in line or "护" in line]
    assert len(chinese) >= 3  # the note wraps over several lines, each broken between characters
    assert "".join(note.split()) in "".join("".join(lines).split())  # and it reads whole


# --- logo and isolation ------------------------------------------------------------------


def _image_count(page: pypdf.PageObject) -> int:
    resources: Any = page["/Resources"]
    xobjects = resources.get("/XObject", {})
    return sum(1 for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image")


def test_logo_is_drawn_when_given(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (400, 120), (31, 95, 116)).save(logo)
    with_logo = reader(typical_sheet(clinic=replace(CLINIC, logo_path=str(logo)))).pages[0]
    without = reader(typical_sheet()).pages[0]
    assert _image_count(with_logo) == 1
    assert _image_count(without) == 0


def test_unreadable_logo_does_not_stop_the_sheet(tmp_path: Path) -> None:
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not an image")
    sheet = typical_sheet(clinic=replace(CLINIC, logo_path=str(bad)))
    page = reader(sheet).pages[0]
    assert _image_count(page) == 0
    assert "Clinic Log Demo Clinic" in page.extract_text()


def test_reports_package_does_not_import_qt() -> None:
    code = (
        "import sys, clinic_log.reports.aftercare_pdf as m, clinic_log.reports.sheet_data as s\n"
        "m.build_aftercare_pdf\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'PySide2', 'PyQt5', 'PyQt6')]\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_build_is_deterministic() -> None:
    build: Callable[[AftercareSheet], bytes] = build_aftercare_pdf
    assert build(typical_sheet()) == build(typical_sheet())


# --- scripts that need shaping -----------------------------------------------------------


@pytest.mark.parametrize("name", ["فاطمة الزهراء", "प्रिया शर्मा", "Zoë Ñúñez-Łukasiewicz", "李娜"])
def test_names_in_four_scripts_keep_the_typical_sheet_on_one_page(name: str) -> None:
    assert len(reader(typical_sheet(client_name=name)).pages) == 1

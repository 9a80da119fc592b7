"""The pre-treatment sheet as built from its plain data: the client's own lines in bold in a "For you" box only when
there are any, sections left out when empty, the steps table running over pages with its header and the footer's
"Page x of y", and the call-us box with the clinic's phone only when it has one."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

import pypdf

from clinic_log.reports.pretreatment_pdf import build_pretreatment_pdf
from clinic_log.reports.sheet_data import ClinicInfo, PretreatmentSheet, TimelineStep

CLINIC = ClinicInfo("Skin Studio Kraków", "ul. Floriańska 1, Kraków", "+48 12 345 67 89")
SHEET = PretreatmentSheet(
    clinic=CLINIC, client_ref="P-9", client_name="Zofia Łukasiewicz", client_date_of_birth=date(1990, 3, 14),
    printed_on=date(2026, 6, 2), modality="mechanical", intro="Please read this before your appointment.",
    before=(TimelineStep("5 days before", "Stop retinoids and acids."),
            TimelineStep("On the day", "Come with clean skin and no make-up.")),
    for_you=(), expect=(TimelineStep("During", "A warm, prickling feeling."),),
    call_us="Call us if you are unwell on the day.", template_version=4)


@cache
def _pages(sheet: PretreatmentSheet) -> tuple[pypdf.PageObject, ...]:
    return tuple(pypdf.PdfReader(io.BytesIO(build_pretreatment_pdf(sheet))).pages)


def _text(sheet: PretreatmentSheet) -> str:
    return " ".join(" ".join(page.extract_text() for page in _pages(sheet)).split())


def _fonts_drawing(page: pypdf.PageObject) -> dict[str, set[str]]:
    drawn_in: dict[str, set[str]] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font is not None and text.strip():
            drawn_in.setdefault(text.strip(), set()).add(str(font["/BaseFont"]))

    page.extract_text(visitor_text=visit)
    return drawn_in


def test_the_clients_own_lines_are_printed_in_bold_in_a_for_you_box() -> None:
    line = "You take a blood thinner: tell us before we start."
    sheet = replace(SHEET, for_you=(line,))
    text = _text(sheet)
    assert f"For you • {line}" in text
    drawn = _fonts_drawing(_pages(sheet)[0])
    fonts_of_line = {font for shown, fonts in drawn.items() if "blood thinner" in shown for font in fonts}
    assert fonts_of_line and all(font.endswith("DejaVuSans-Bold") for font in fonts_of_line)
    assert "For you" not in _text(SHEET)


def test_an_empty_intro_or_expect_list_leaves_its_part_out() -> None:
    assert "What to expect" in _text(SHEET) and "Please read this" in _text(SHEET)
    text = _text(replace(SHEET, intro="", expect=()))
    assert "What to expect" not in text and "Please read this" not in text
    assert "Before your treatment When What to do 5 days before Stop retinoids" in text


def test_a_long_list_runs_onto_a_second_page_with_its_header_and_page_x_of_y() -> None:
    steps = tuple(TimelineStep(f"{n} days before", f"Step number {n} of what to do.") for n in range(60, 0, -1))
    pages = [" ".join(page.extract_text().split()) for page in _pages(replace(SHEET, before=steps))]
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Pre-treatment template v4 · Client P-9 · Page {number} of 2" in text
        assert "When What to do" in text  # the table's header repeats on the new page
    assert all(f"Step number {n} of what to do." in " ".join(pages) for n in range(1, 61))


def test_the_details_say_the_treatment_and_a_dash_for_an_unknown_birth_date() -> None:
    text = _text(replace(SHEET, client_date_of_birth=None))
    assert "Client Zofia Łukasiewicz Date of birth —" in text
    assert "Treatment Microneedling Printed on 2 June 2026" in text


def test_the_phone_line_is_printed_only_when_the_clinic_has_a_phone() -> None:
    assert "Call +48 12 345 67 89" in _text(SHEET).replace("\u00a0", " ")
    without = _text(replace(SHEET, clinic=replace(CLINIC, phone="")))
    assert "Call us if you are unwell on the day." in without and "Call +" not in without

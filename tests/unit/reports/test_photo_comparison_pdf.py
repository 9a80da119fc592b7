"""The before/after page a client takes home: one page, the clinic's header, the client, the view and both photos'
dates and session numbers, and the photos themselves drawn at their proportions."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pypdf
from PIL import Image

from clinic_log.domain.enums import PhotoView
from clinic_log.reports.photo_comparison_pdf import build_photo_comparison_pdf
from clinic_log.reports.sheet_data import ClinicInfo, ComparisonSide, PhotoComparison

CLINIC = ClinicInfo("Skin Studio Berlin", "Torstraße 1, Berlin", "+49 30 1234567")


def jpeg(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def comparison(paper: str = "A4") -> PhotoComparison:
    before = ComparisonSide(3, date(2026, 2, 3), 1, jpeg((300, 400), (200, 40, 40)))
    after = ComparisonSide(9, date(2026, 6, 30), 4, jpeg((2000, 1000), (40, 40, 200)))
    return PhotoComparison(replace(CLINIC, paper=paper),
                           client_id=1, client_ref="P-7", client_name="Zofia Łukasiewicz", view=PhotoView.LEFT45,
                           before=before, after=after, printed_on=date(2026, 7, 1))


def test_the_page_names_the_clinic_the_client_the_view_and_both_dates_with_their_sessions() -> None:
    reader = pypdf.PdfReader(io.BytesIO(build_photo_comparison_pdf(comparison())))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Skin Studio Berlin", "Zofia Łukasiewicz", "Left 45°", "Before · 3 February 2026, session 1",
                     "After · 30 June 2026, session 4", "Photo comparison · Client P-7 · Page 1 of 1"):
        assert expected in text, expected


def test_both_photos_fit_on_the_one_page_on_a4_and_on_letter() -> None:
    for paper in ("A4", "Letter"):
        page = pypdf.PdfReader(io.BytesIO(build_photo_comparison_pdf(comparison(paper)))).pages
        assert len(page) == 1, paper
        images = sorted((img.image.size for img in page[0].images), key=lambda s: s[0])
        assert images == [(300, 400), (2000, 1000)], paper

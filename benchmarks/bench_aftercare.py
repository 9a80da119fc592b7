"""Benchmark: the app's aftercare-sheet builder against a bare reportlab document with the same content.

Run from the repository root::

    python benchmarks/bench_aftercare.py [N]

Builds the same typical sheet (3 areas, 2 products, 1 complication, 5 timeline steps) N
times (default 200, after one warm-up) with ``build_aftercare_pdf``, and N times as a bare
``SimpleDocTemplate`` of the same text, one paragraph per line, in the same embedded fonts
(DejaVu Sans, bold for the headings: a sheet cannot print "Zofia Łukasiewicz" without an
embedded TrueType font), interleaved in 10 rounds, then prints the time per sheet for each
(median round, plus the fastest and slowest round) and the ratio of the medians. The goal is a
ratio of at most 2x: the builder's extra cost (tables, colours, the two-pass page footer)
should stay small. A Helvetica build of the same paragraphs is shown for reference only: it
embeds no font and prints "Ł" as a black box, so it is not the same content.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import Paragraph, SimpleDocTemplate  # type: ignore[import-untyped, unused-ignore]

from clinic_log.reports.aftercare_pdf import build_aftercare_pdf
from clinic_log.reports.sheet_data import (
    AftercareSheet,
    ClinicInfo,
    SheetArea,
    SheetComplication,
    TimelineStep,
)

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 2.0


def typical_sheet() -> AftercareSheet:
    return AftercareSheet(
        session_id=1042,
        clinic=ClinicInfo("Clinic Log Demo Clinic", "12 Harley Street, London W1G 9PF", "+44 20 7946 0000"),
        client_name="Zofia Łukasiewicz",
        client_date_of_birth=date(1988, 3, 14),
        session_started_at=datetime(2025, 11, 25, 14, 30),
        practitioner_name="Dr Amelia Hart",
        supervisor_name="Dr Jonas Weber",
        device_name="Dermapen 4",
        areas=(
            SheetArea("Forehead", 0.5, 2),
            SheetArea("Cheeks", 1.5, 3),
            SheetArea("Periorbital (around the eyes)", 0.25, 1),
        ),
        products=("Hyaluronic acid serum 2%", "Soothing recovery balm"),
        complications=(
            SheetComplication(
                "Erythema (redness)",
                1,
                "Redness like a mild sunburn is expected for 1\u20133 days. Keep the skin cool and use "
                "only the balm we gave you.",
            ),
        ),
        timeline=(
            TimelineStep(
                "Day 0",
                "Your skin will be red, like a sunburn. No make-up for 24 hours. Touch your face only "
                "with clean hands. Wash with a gentle cleanser and lukewarm water. Apply only the "
                "serum or balm the clinic gave you.",
            ),
            TimelineStep(
                "First 24 hours",
                "No exercise, sauna, swimming or alcohol-based products. Sleep on a clean pillowcase.",
            ),
            TimelineStep(
                "24\u201372 hours",
                "Broad-spectrum SPF 30+ every day, re-applied through the day. No direct sun. Mineral "
                "make-up is allowed after 24 hours.",
            ),
            TimelineStep(
                "Days 2\u20137",
                "No retinoids, acids (AHA/BHA), vitamin C, scrubs or waxing for 5\u20137 days. "
                "Moisturise. Do not pick flaking skin.",
            ),
            TimelineStep(
                "Day 5 onwards",
                "Resume your usual routine. Your next session is usually 4\u20136 weeks later.",
            ),
        ),
        call_us="Call the clinic if you have rising pain or swelling after 48 hours, pus, fever, "
        "blisters or cold sores, spreading redness, or a rash.",
        next_appointment="Tuesday 23 December 2025, 10:00",
        template_version=3,
    )


def sheet_lines(sheet: AftercareSheet) -> list[str]:
    """The sheet's text, one paragraph per line, as the baseline prints it."""
    c = sheet.clinic
    lines = [c.name, c.address, f"Tel. {c.phone}", sheet.title, f"Client: {sheet.client_name}"]
    if sheet.client_date_of_birth:
        lines.append(f"Date of birth: {sheet.client_date_of_birth:%d %B %Y}")
    lines += [
        f"Date of treatment: {sheet.session_started_at:%d %B %Y, %H:%M}",
        f"Practitioner: {sheet.practitioner_name}, supervised by {sheet.supervisor_name}",
        f"Device: {sheet.device_name}",
        "Areas treated",
    ]
    lines += [f"{a.label} {a.depth_mm:.2f} mm, {a.passes} passes" for a in sheet.areas]
    lines.append("Products applied: " + ", ".join(sheet.products))
    lines += [f"{s.when}: {s.text}" for s in sheet.timeline]
    lines += ["Call us if…", sheet.call_us, f"Call {c.phone}", "About what we noted today"]
    lines += [f"{x.label}, CTCAE grade {x.grade}: {x.instructions}" for x in sheet.complications]
    lines.append(f"Next appointment: {sheet.next_appointment}")
    lines.append(f"Template v{sheet.template_version} · Session {sheet.session_id} · Page 1 of 1")
    return lines


_HELVETICA = ParagraphStyle("plain", fontName="Helvetica", fontSize=9.5, leading=12.5)
_BARE_REGULAR, _BARE_BOLD = "BareDejaVuSans", "BareDejaVuSans-Bold"
_bare_styles: tuple[ParagraphStyle, ParagraphStyle] | None = None


def _dejavu_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    """Body and heading styles in DejaVu Sans, registered straight with reportlab (no app code)."""
    global _bare_styles
    if _bare_styles is None:
        folder = ROOT / "resources" / "fonts"
        pdfmetrics.registerFont(TTFont(_BARE_REGULAR, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(_BARE_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        body = ParagraphStyle("bare", fontName=_BARE_REGULAR, fontSize=9.5, leading=12.5)
        _bare_styles = body, ParagraphStyle("bare-heading", parent=body, fontName=_BARE_BOLD, fontSize=11)
    return _bare_styles


def heading_lines(sheet: AftercareSheet) -> set[str]:
    return {sheet.clinic.name, sheet.title, "Areas treated", "Call us if…", "About what we noted today"}


def build_bare(sheet: AftercareSheet) -> bytes:
    """The fair baseline: a bare SimpleDocTemplate of the same text, one paragraph per line, in the same fonts.

    A sheet has to embed a TrueType font (DejaVu Sans: regular, and bold for the headings) to print names
    such as "Zofia Łukasiewicz" at all, so the baseline embeds the same two; it has no tables, colours,
    logo or page-x-of-y footer.
    """
    body, heading = _dejavu_styles()
    headings = heading_lines(sheet)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=True)
    doc.build([Paragraph(escape(line), heading if line in headings else body) for line in sheet_lines(sheet)])
    return buffer.getvalue()


def build_helvetica(sheet: AftercareSheet) -> bytes:
    """For reference only: the same paragraphs in Helvetica, a font not embedded and without "Ł" (a black box)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=True)
    doc.build([Paragraph(escape(line), _HELVETICA) for line in sheet_lines(sheet)])
    return buffer.getvalue()


def timed_round(build: Callable[[AftercareSheet], bytes], sheet: AftercareSheet, n: int) -> float:
    """Mean ms per sheet over n consecutive builds."""
    start = time.perf_counter()
    for _ in range(n):
        build(sheet)
    return (time.perf_counter() - start) * 1000 / n


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 200
    rounds = 10 if n >= 10 else 1
    per_round = n // rounds
    sheet = typical_sheet()
    builders: dict[str, Callable[[AftercareSheet], bytes]] = {
        "build_aftercare_pdf": build_aftercare_pdf,
        "bare SimpleDocTemplate, DejaVu Sans": build_bare,
        "(reference) bare, Helvetica": build_helvetica,
    }
    for build in builders.values():
        build(sheet)  # warm-up: fonts registered, styles built, imports done
    # Interleave the two builders in rounds so that load from other processes on the
    # machine hits both alike; report the median round.
    times: dict[str, list[float]] = {name: [] for name in builders}
    for i in range(rounds):
        order = list(builders.items())
        if i % 2:
            order.reverse()
        for name, build in order:
            times[name].append(timed_round(build, sheet, per_round))
    app_ms, bare_ms, helvetica_ms = (statistics.median(times[name]) for name in builders)
    ratio = app_ms / bare_ms
    print(f"aftercare sheet: {rounds} interleaved rounds x {per_round} builds per builder, median round")
    print(f"{'builder':<36}{'ms/sheet':>9}{'min':>8}{'max':>8}")
    for name in builders:
        t = times[name]
        print(f"{name:<36}{statistics.median(t):>9.2f}{min(t):>8.2f}{max(t):>8.2f}")
    verdict = "ok" if ratio <= GOAL_RATIO else "OVER GOAL"
    print(f"{'ratio':<36}{ratio:>8.2f}x  (goal <= {GOAL_RATIO:.0f}x: {verdict})")
    print(f"{'(ratio to bare Helvetica)':<36}{app_ms / helvetica_ms:>8.2f}x  (no embedded font: not the same content)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

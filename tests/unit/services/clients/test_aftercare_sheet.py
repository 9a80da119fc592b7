"""The aftercare sheet a client takes home (issue 17): one SPF figure, a routine that resumes only after the actives
window, RF's own longer figures, the emergency line and out-of-hours number, plain severity words, the darker-skin
paragraph, the clinic's post-care product instead of "none", one page for six areas, and names in their own script."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from typing import Any

import pypdf
import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.values import AreaInput, ComplicationInput, ProductInput
from clinic_log.reports import fonts
from clinic_log.services.clients import clients
from clinic_log.services.clients.aftercare import aftercare_sheet, render_aftercare
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
from clinic_log.services.clinic.templates import complication_paragraphs, latest_template
from clinic_log.services.devices import devices
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, make_clinic, session_entry

SIX_AREAS = (AreaInput("forehead", 0.5, 2), AreaInput("periorbital", 0.25, 1), AreaInput("nose", 0.5, 2),
             AreaInput("cheeks", 1.0, 3), AreaInput("perioral", 0.5, 2), AreaInput("chin_jaw", 1.0, 2))
# as recorded at the chair: tips, energies and an indication (the sheet names the area and why, not the settings)
SIX_RF_AREAS = (AreaInput("forehead", 1.0, 2, tip="prime", rf_energy=20),
                AreaInput("periorbital", 0.5, 1, tip="prime", rf_energy=15),
                AreaInput("nose", 1.0, 1, tip="prime", rf_energy=15),
                AreaInput("cheeks", 2.5, 2, indication="acne_scars", tip="facial", rf_energy=30),
                AreaInput("perioral", 1.0, 1, tip="prime", rf_energy=15),
                AreaInput("chin_jaw", 2.0, 2, tip="facial", rf_energy=25))
PRODUCTS = (ProductInput("Hyaluronic acid serum 2%", 10), ProductInput("Soothing recovery balm"))

# (given, family) in four scripts, and the name as the sheet must print it.
NAMES = {
    "latin": ("Zoë", "Ñúñez-Łukasiewicz", "Zoë Ñúñez-Łukasiewicz"),
    "chinese": ("娜", "李", "李娜"),
    "arabic": ("فاطمة", "الزهراء", "فاطمة الزهراء"),
    "devanagari": ("प्रिया", "शर्मा", "प्रिया शर्मा"),
}


def _pages(pdf: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in _pages(pdf)).split())


def _client(db: Database, owner: Actor, given: str, family: str, fitzpatrick: int | None) -> int:
    client = clients.create_client(db, owner, clients.ClientDetails(
        f"P-{abs(hash((given, family, fitzpatrick))) % 10**8}", given, family, date(1990, 1, 1),
        fitzpatrick=fitzpatrick))
    record_consent(db, owner, client.id, f"{given} {family}", CONSENT_SIGNED_ON)
    return client.id


def _rf_device(db: Database, owner: Actor) -> int:
    return devices.add_device(db, owner, "Morpheus8", "M8-1").id


def _session(db: Database, clinic: Clinic, **overrides: Any) -> int:
    return log_session(db, clinic.derm, session_entry(clinic, **overrides), sign=True,
                       reason="Test patch done; client accepts the pigmentation risk").id


def _rf(db: Database, owner: Actor, clinic: Clinic, **overrides: Any) -> int:
    values: dict[str, Any] = {"device_id": _rf_device(db, owner), "cartridge_lot": "M8T-1",
                              "areas": (AreaInput("forehead", 1.0, 2), AreaInput("cheeks", 1.5, 1))}
    values.update(overrides)
    return _session(db, clinic, **values)


# --- one sun-protection figure ----------------------------------------------------------------------------------


def test_every_shipped_text_gives_the_one_spf_figure(db: Database, owner: Actor) -> None:
    body = latest_template(db).body
    texts = [step["text"] for steps in body["modalities"].values() for step in steps]
    texts += [body["call_us"], body["emergency"], body["darker_skin"], *body["complications"].values()]
    texts += [p.text for p in complication_paragraphs(db)]  # what the complication types (CSV) hold, too
    figures = {m for text in texts for m in re.findall(r"SPF ?\d+\+?", text)}
    assert figures == {"SPF 30+"}


def test_a_pigmentation_complication_prints_spf_30_like_the_timeline(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, complications=(ComplicationInput("pih", 2),))
    text = _text(render_aftercare(db, owner, session_id)[1])
    assert "SPF 30+" in text and "SPF 50" not in text
    assert "for at least 4 weeks" in text


# --- the timeline: routine after the actives window; RF has its own, longer figures -----------------------------


def _steps(db: Database, session_id: int) -> dict[str, str]:
    return {step.when: step.text for step in aftercare_sheet(db, session_id).timeline}


def _first_day(when: str) -> int:
    return int(re.search(r"\d+", when).group())  # type: ignore[union-attr]


@pytest.mark.parametrize("modality", ["mechanical", "rf"])
def test_usual_routine_resumes_only_after_the_actives_window_ends(db: Database, owner: Actor, modality: str) -> None:
    clinic = make_clinic(db, owner)
    session_id = _rf(db, owner, clinic) if modality == "rf" else _session(db, clinic)
    steps = _steps(db, session_id)
    actives_when, actives = next((w, t) for w, t in steps.items() if "retinoids" in t)
    resume_when = next(w for w, t in steps.items() if "Resume your usual routine" in t)
    window_ends = int(re.search(r"until the end of day (\d+)", actives).group(1))  # type: ignore[union-attr]
    assert actives_when.endswith(f"{window_ends}")  # the step's heading and its text agree
    assert resume_when == f"From day {window_ends + 1}"
    assert "5–7 days" not in " ".join(steps.values())


def test_mechanical_sheet_says_72_hours_for_pools_sauna_gym_and_24_hours_for_make_up(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    steps = _steps(db, _session(db, clinic))
    assert "No swimming, sauna, steam room, gym or other exercise that makes you sweat for 72 hours" \
        in steps["First 72 hours"]
    assert "No make-up for 24 hours" in steps["Day 0"]
    assert "From day 8" in steps and "until the end of day 7" in steps["Days 1–7"]


def test_rf_sheet_gives_its_own_longer_figures(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    steps = _steps(db, _rf(db, owner, clinic))
    assert "No swimming, sauna, steam room, hot baths, gym or other exercise that makes you sweat for 7 days" \
        in steps["First 7 days"]
    assert "No make-up for 48 hours" in steps["First 48 hours"]
    assert "until the end of day 10" in steps["Days 1–10"] and "From day 11" in steps
    assert not any("72 hours" in text or "24 hours" in text for text in steps.values())


# --- the "Call us" box -----------------------------------------------------------------------------------------


def test_emergency_line_is_printed_and_out_of_hours_number_only_when_set(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic)
    before = _text(render_aftercare(db, owner, session_id)[1])
    assert "Call emergency services at once if breathing is difficult or your lips, tongue or throat swell." \
        in before
    assert "Out of hours" not in before

    save_settings(db, owner, {"clinic.out_of_hours_phone": "+44 7700 900123"})
    after = _text(render_aftercare(db, owner, session_id)[1])
    assert "Out of hours: +44 7700 900123" in after
    assert "Call emergency services at once" in after


def test_a_template_without_an_emergency_line_still_prints_one(db: Database, owner: Actor) -> None:
    from clinic_log.services.clinic.templates import save_template

    body = {k: v for k, v in latest_template(db).body.items() if k not in ("emergency", "darker_skin")}
    save_template(db, owner, body)
    clinic = make_clinic(db, owner)
    assert "Call emergency services at once" in _text(render_aftercare(db, owner, _session(db, clinic))[1])


@pytest.mark.parametrize(("value", "stored"), [("", ""), ("  0800  123 456 ", "0800 123 456")])
def test_out_of_hours_number_may_be_blank_or_a_number(db: Database, owner: Actor, value: str, stored: str) -> None:
    save_settings(db, owner, {"clinic.out_of_hours_phone": value})
    assert read_settings(db)["clinic.out_of_hours_phone"] == stored


@pytest.mark.parametrize("value", ["call reception", "1" * 41, "0800\x00123"])
def test_an_out_of_hours_number_without_digits_or_too_long_is_refused(db: Database, owner: Actor, value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        save_settings(db, owner, {"clinic.out_of_hours_phone": value})
    assert raised.value.field == "out-of-hours phone"
    assert read_settings(db)["clinic.out_of_hours_phone"] == ""


# --- what the client reads about complications -----------------------------------------------------------------


def test_complication_grades_print_as_mild_moderate_severe_never_ctcae(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, complications=(
        ComplicationInput("erythema", 1), ComplicationInput("oedema", 2), ComplicationInput("infection", 3)))
    text = _text(render_aftercare(db, owner, session_id)[1])
    assert "Erythema (redness) Mild" in text
    assert "Oedema (swelling) Moderate" in text
    assert "Infection Severe" in text
    assert "CTCAE" not in text and "grade" not in text.lower()


# --- skin type IV-VI -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fitzpatrick", "printed"), [(None, False), (1, False), (3, False), (4, True), (5, True),
                                                      (6, True)])
def test_darker_skin_paragraph_only_for_fitzpatrick_iv_to_vi(
        db: Database, owner: Actor, fitzpatrick: int | None, printed: bool) -> None:
    clinic = make_clinic(db, owner)
    client_id = _client(db, owner, "Ama", "Mensah", fitzpatrick)
    text = _text(render_aftercare(db, owner, _session(db, clinic, client_id=client_id))[1])
    assert ("Your skin type: Skin with more natural colour, like yours, can form darker patches" in text) is printed
    assert "Fitzpatrick" not in text


# --- products: what was applied, or the clinic's post-care product ---------------------------------------------


def test_without_products_the_sheet_names_the_post_care_product_not_none(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    text = _text(render_aftercare(db, owner, _session(db, clinic))[1])
    assert "Products applied: none" not in text
    assert "Post-care product: The hyaluronic-acid serum the clinic gave you" in text
    assert "Apply only the hyaluronic-acid serum the clinic gave you." in text
    assert "{post_care_product}" not in text


def test_the_owners_post_care_product_is_printed(db: Database, owner: Actor) -> None:
    save_settings(db, owner, {"clinic.post_care_product": "the Cicaplast balm in your aftercare bag"})
    clinic = make_clinic(db, owner)
    text = _text(render_aftercare(db, owner, _rf(db, owner, clinic))[1])
    assert "Post-care product: The Cicaplast balm in your aftercare bag" in text
    assert "Apply only the Cicaplast balm in your aftercare bag." in text


def test_recorded_products_are_printed_as_applied(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    text = _text(render_aftercare(db, owner, _session(db, clinic, products=PRODUCTS))[1])
    assert "Products applied: Hyaluronic acid serum 2% (10 min), Soothing recovery balm" in text
    assert "none" not in text


@pytest.mark.parametrize("value", ["", "   ", "x" * 121])
def test_a_blank_or_overlong_post_care_product_is_refused(db: Database, owner: Actor, value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        save_settings(db, owner, {"clinic.post_care_product": value})
    assert raised.value.field == "post-care product"


# --- one page ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("modality", ["mechanical", "rf"])
def test_six_areas_with_products_and_a_complication_stay_on_one_page(
        db: Database, owner: Actor, paper: str, modality: str) -> None:
    save_settings(db, owner, {"clinic.paper": paper, "clinic.out_of_hours_phone": "+44 7700 900123",
                              "clinic.address": "Suite 4, 12 Harley Street, Marylebone, London W1G 9PF",
                              "clinic.phone": "+44 20 7946 0000"})
    clinic = make_clinic(db, owner)
    client_id = _client(db, owner, "Ama", "Mensah", 5)
    entry: dict[str, Any] = {"client_id": client_id, "products": PRODUCTS, "course_index": 1, "course_total": 3,
                             "complications": (ComplicationInput("pih", 2),)}
    if modality == "rf":
        session_id = _rf(db, owner, clinic, areas=SIX_RF_AREAS, **entry)
    else:
        session_id = _session(db, clinic, areas=SIX_AREAS, **entry)
    pdf = render_aftercare(db, owner, session_id)[1]
    pages = _pages(pdf)
    assert len(pages) == 1, f"{len(pages)} pages"
    text = _text(pdf)
    assert "Next appointment: Session 2 of 3" in text and "Your skin type:" in text and "Out of hours" in text


# --- names in their own script ---------------------------------------------------------------------------------


def _fonts_drawing(page: pypdf.PageObject) -> dict[str, set[str]]:
    drawn_in: dict[str, set[str]] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font is not None:
            for char in text:
                drawn_in.setdefault(char, set()).add(str(font["/BaseFont"]))

    page.extract_text(visitor_text=visit)
    return drawn_in


@pytest.mark.parametrize("script", NAMES)
def test_client_name_prints_in_its_own_order(db: Database, owner: Actor, script: str) -> None:
    given, family, printed = NAMES[script]
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, client_id=_client(db, owner, given, family, 5))
    assert aftercare_sheet(db, session_id).client_name == printed


def test_chinese_name_is_family_name_first_without_a_space(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, client_id=_client(db, owner, "娜", "李", 5))
    text = _text(render_aftercare(db, owner, session_id)[1])
    assert "Client 李娜" in text and "娜 李" not in text


def test_arabic_name_is_shaped_and_reads_right_to_left(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, client_id=_client(db, owner, "فاطمة", "الزهراء", 5))
    page = _pages(render_aftercare(db, owner, session_id)[1])[0]
    raw = page.extract_text()
    # Joined letter forms (presentation forms such as ﻓ ﺎ ﻃ ﻤ ﺔ), not the unjoined letters DejaVu Sans prints.
    joined = [ch for ch in raw if "\ufe70" <= ch <= "\ufeff" or "\ufb50" <= ch <= "\ufdff"]
    assert len(joined) >= 6
    # Left to right on the page: the family name, then the given name (read from the right: فاطمة الزهراء).
    assert "الزهراء فاطمة" in unicodedata.normalize("NFKC", raw)
    drawn_in = _fonts_drawing(page)
    for char in set(ch for ch in raw if ch in joined):
        assert all("NotoNaskhArabic" in f for f in drawn_in[char]), drawn_in[char]


def test_devanagari_name_is_set_in_a_font_that_has_it(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    session_id = _session(db, clinic, client_id=_client(db, owner, "प्रिया", "शर्मा", 5))
    page = _pages(render_aftercare(db, owner, session_id)[1])[0]
    deva = fonts.ensure_registered().script_code_points[fonts.DEVANAGARI]
    assert all(ord(ch) in deva for ch in "प्रिया शर्मा")  # no empty boxes: the font has every letter
    drawn_in = _fonts_drawing(page)
    for char in "यश":
        assert drawn_in.get(char) and all("NotoSansDevanagari" in f for f in drawn_in[char]), drawn_in.get(char)
    assert "\ufffd" not in page.extract_text()

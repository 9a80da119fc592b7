"""The subject-access PDF: long notes wrap and run across pages, sessions in date order, warnings and override
reasons, names instead of ids, and the Art. 15(1)(a–h) information, read back with pypdf."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.services.clients import clients
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.exchange.subject_access import export_client
from clinic_log.services.photos.photos import add_photos, void_photo
from clinic_log.services.sessions.sessions import log_session
from tests.unit.services.helpers import CONSENT_SIGNED_ON, Clinic, make_clinic, session_entry
from tests.unit.services.photos.photo_files import plain


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return make_clinic(db, owner)


def _pdf_text(db: Database, owner: Actor, tmp_path: Path) -> tuple[str, int]:
    out = tmp_path / "client.pdf"
    export_client(db, owner, "P-1", "pdf", out)
    pages = PdfReader(out).pages
    return "\n".join(page.extract_text() for page in pages), len(pages)


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("length", [1_600, 20_000])
def test_a_long_note_wraps_and_runs_across_pages(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path,
                                                 length: int) -> None:
    words = [f"word{i:05d}" for i in range(length // 10)]
    note = " ".join(words)[:length]
    log_session(db, clinic.derm, session_entry(clinic, notes=note), sign=True)
    text, pages = _pdf_text(db, owner, tmp_path)
    assert _squashed(note) in _squashed(text)  # every word, in order, nothing cut off
    if length == 20_000:
        assert pages >= 3


def test_a_note_without_spaces_is_broken_not_lost(db: Database, owner: Actor, clinic: Clinic,
                                                  tmp_path: Path) -> None:
    note = "x" * 5_000
    log_session(db, clinic.derm, session_entry(clinic, notes=note), sign=True)
    text, _ = _pdf_text(db, owner, tmp_path)
    assert note in _squashed(text)


def test_sessions_are_listed_in_date_order(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    for day, note in ((20, "third visit"), (3, "first visit"), (10, "second visit")):
        log_session(db, clinic.derm, session_entry(clinic, started_at=datetime(2026, 7, day, 9, tzinfo=UTC),
                                                   notes=note), sign=True)
    text, _ = _pdf_text(db, owner, tmp_path)
    positions = [text.index(n) for n in ("first visit", "second visit", "third visit")]
    assert positions == sorted(positions)


def test_warnings_and_override_reasons_are_shown(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    clients.add_finding(db, owner, clinic.client_id, "skin_infection", date(2026, 6, 1))
    log_session(db, clinic.derm, session_entry(clinic), sign=True, reason="client asked for deeper work",
                override_reason="infection cleared by GP on 28 June")
    text, _ = _pdf_text(db, owner, tmp_path)
    assert "infection cleared by GP on 28 June" in text
    assert "Active skin infection" in text


def test_names_not_ids_and_the_art15_information(db: Database, owner: Actor, clinic: Clinic, tmp_path: Path) -> None:
    log_session(db, clinic.derm, session_entry(clinic), sign=True)
    text, _ = _pdf_text(db, owner, tmp_path)
    for expected in ("Dr Maria Brandt", "SkinPen Precision", "SP14-1", "Forehead", "Purposes", "Recipients",
                     "How long", "Your rights", "complaint", "Where the data came from", "Automated decisions"):
        assert expected in text, expected


def test_photos_get_a_page_of_thumbnails_per_view_with_when_each_was_taken(db: Database, owner: Actor,
                                                                           clinic: Clinic, tmp_path: Path) -> None:
    record_consent(db, owner, clinic.client_id, "Zofia Łukasiewicz", CONSENT_SIGNED_ON,
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    may, july = datetime(2026, 5, 1, 10, 0, tzinfo=UTC), datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    ids = []
    for name, color, view, taken in (("a.png", (200, 0, 0), "front", may), ("b.png", (0, 90, 0), "front", july),
                                     ("c.png", (9, 9, 90), "left45", july)):
        [added] = add_photos(db, owner, "P-1", [plain(tmp_path / name, "PNG", (120, 80), color)], view=view,
                             taken=taken).files
        assert added.photo_id is not None
        ids.append(added.photo_id)
    void_photo(db, owner, ids[2], "the wrong view", 1)
    out = tmp_path / "client.pdf"
    export_client(db, owner, "P-1", "pdf", out)
    pages = {page.extract_text(): page for page in PdfReader(out).pages}
    [(front_text, front)] = [(t, p) for t, p in pages.items() if "Photos: Front (2)" in t]
    [(side_text, side)] = [(t, p) for t, p in pages.items() if "Photos: Left 45° (1)" in t]
    assert (len(front.images), len(side.images)) == (2, 1)
    assert f"{may.astimezone():%Y-%m-%d %H:%M} (photo {ids[0]})" in front_text
    assert f"{july.astimezone():%Y-%m-%d %H:%M} (photo {ids[1]})" in front_text
    assert "voided: the wrong view" in side_text and "voided" not in front_text

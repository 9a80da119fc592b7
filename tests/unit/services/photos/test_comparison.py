"""A comparison of two photos: of one client and one view, neither voided, with their session numbers; saved as the
client's PDF or the screen's PNG whole or not at all, owner-only, each save in the audit log."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.photos import photos
from clinic_log.services.photos.comparison import comparison, file_name, save_comparison_pdf, save_comparison_png
from clinic_log.services.sessions import sessions
from tests.unit.services.helpers import Clinic, clinic_with_photo_consent, session_entry
from tests.unit.services.photos.photo_files import BLUE, RED, plain

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    clinic = clinic_with_photo_consent(db, owner)
    return clinic


def two(db: Database, clinic: Clinic, tmp_path: Path, after_view: str = "front") -> tuple[int, int]:
    session = sessions.log_session(db, clinic.derm, session_entry(clinic, course_index=4), sign=True)
    first = photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "a.png", "PNG", color=RED)],
                              taken=datetime(2026, 2, 3, 12, tzinfo=UTC)).files[0].photo_id
    last = photos.add_photos(db, clinic.derm, "P-1", [plain(tmp_path / "b.png", "PNG", color=BLUE)],
                             taken=datetime(2026, 6, 30, 12, tzinfo=UTC), view=after_view,
                             session_id=session.id).files[0].photo_id
    assert first is not None and last is not None
    return first, last


def test_a_comparison_carries_both_images_their_days_and_session_numbers(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    first, last = two(db, clinic, tmp_path)
    found = comparison(db, clinic.derm, first, last, today=date(2026, 7, 1))
    assert (found.client_ref, found.client_name, found.view) == ("P-1", "Zofia Łukasiewicz", PhotoView.FRONT)
    assert (found.before.label, found.after.label) == ("2026-02-03", "2026-06-30 · session 4")
    assert found.after.image == photos.original(db, clinic.derm, last).data
    assert file_name(found, "pdf") == "comparison-P-1-front-2026-06-30.pdf"


def test_photos_of_two_views_or_a_voided_photo_are_not_compared(db: Database, clinic: Clinic, tmp_path: Path) -> None:
    first, last = two(db, clinic, tmp_path, after_view="left45")
    with pytest.raises(InvalidValue, match="a Front photo, like photo"):
        comparison(db, clinic.derm, first, last)
    photos.void_photo(db, clinic.derm, first, "blurred", 1)
    with pytest.raises(InvalidValue, match="a photo that is not voided"):
        comparison(db, clinic.derm, first, last)


def test_each_save_is_owner_only_audited_and_a_failed_one_leaves_nothing(
        db: Database, clinic: Clinic, tmp_path: Path) -> None:
    found = comparison(db, clinic.derm, *two(db, clinic, tmp_path))
    save_comparison_pdf(db, clinic.derm, found, tmp_path / "c.pdf")
    save_comparison_png(db, clinic.derm, found, PNG, tmp_path / "c.png")
    for name in ("c.pdf", "c.png"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(InvalidValue, match="a file in an existing folder"):
        save_comparison_pdf(db, clinic.derm, found, tmp_path / "missing" / "c.pdf")
    with pytest.raises(InvalidValue, match="a PNG image"):
        save_comparison_png(db, clinic.derm, found, b"GIF89a", tmp_path / "d.png")
    assert not (tmp_path / "d.png").exists()
    with db.reading() as session:
        saved = session.scalars(select(AuditEntry).where(AuditEntry.action == "saved")).all()
    assert [(e.entity, json.loads(e.detail)["format"]) for e in saved] == [("client", "pdf"), ("client", "png")]

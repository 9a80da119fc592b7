"""Sites, indications and tips through every path that builds a session's facts: the form (ORM), a stored draft
(the signing selects) and the import; the older import format's indication-as-area is read onto the site."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_log.db.engine import Database
from clinic_log.db.models import SessionArea
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import ImportRefused
from clinic_log.domain.rules import assess_session
from clinic_log.domain.values import AreaInput
from clinic_log.services.clinic.indications import set_indication_site
from clinic_log.services.devices import devices
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.sessions.draft_input import OrmReader, load_record
from clinic_log.services.sessions.session_queries import count_sessions
from clinic_log.services.sessions.sessions import assess, log_session, save_draft, sign_session
from tests.unit.services.helpers import make_clinic, session_entry

ACNE_CHEEKS = AreaInput("cheeks", 1.75, 2, indication="acne_scars")  # cheeks alone are 0.5–1.0; acne scars 1.5–2.0
HEADER = ("client_ref,started_at,practitioner,supervisor,device,device_serial,cartridge_lot,lot_expires,area,"
          "depth_mm,passes,complication,complication_grade,notes")
ROW = "P-1001,2026-07-02T09:30:00,mbrandt,,SkinPen Precision,SPP-00871,SP14-3390,2026-12-31,{area},{depth},2,,,"


def _stored_areas(db: Database, session_id: int) -> list[tuple[object, ...]]:
    with db.reading() as session:
        return [tuple(r) for r in session.execute(
            select(SessionArea.area_code, SessionArea.indication, SessionArea.tip, SessionArea.depth_mm,
                   SessionArea.rf_energy).where(SessionArea.session_id == session_id).order_by(SessionArea.id))]


def _read_back(db: Database, session_id: int) -> tuple[AreaInput, ...]:
    with db.reading() as session:
        return load_record(OrmReader(session), session_id).entry.areas


def _codes(problems: object) -> set[str]:
    return {p.code for p in problems}  # type: ignore[attr-defined]


def test_acne_scars_on_the_cheeks_are_checked_against_the_indications_range_on_the_form(
        db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    assert "depth_area" not in _codes(assess(db, session_entry(clinic, ACNE_CHEEKS)).warnings)
    deeper = assess(db, session_entry(clinic, AreaInput("cheeks", 2.2, 2, indication="acne_scars")))
    assert any("1.5–2.0" in w.message for w in deeper.warnings if w.code == "depth_area")
    assert "depth_area" in _codes(assess(db, session_entry(clinic, AreaInput("cheeks", 1.75, 2))).warnings)


def test_a_signed_session_stores_site_and_indication_and_reads_back_identically(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    saved = log_session(db, clinic.derm, session_entry(clinic, ACNE_CHEEKS), sign=True)  # no reason asked
    assert _stored_areas(db, saved.id) == [("cheeks", "acne_scars", None, 1.75, None)]
    assert _read_back(db, saved.id) == (ACNE_CHEEKS,)


def test_a_stored_draft_is_signed_with_its_indication_checked_again(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    draft = save_draft(db, clinic.derm, session_entry(clinic, ACNE_CHEEKS))
    assert _read_back(db, draft.id) == (ACNE_CHEEKS,)
    signed = sign_session(db, clinic.derm, draft.id)  # the indication's range: no warning, so no reason needed
    assert not signed.warnings
    assert _stored_areas(db, draft.id) == [("cheeks", "acne_scars", None, 1.75, None)]


def test_a_tip_and_its_energy_are_stored_and_a_stored_draft_checks_the_tip(db: Database, owner: Actor) -> None:
    clinic = make_clinic(db, owner)
    rf = devices.add_device(db, owner, "Morpheus8", "M8-1")
    belly = AreaInput("abdomen", 2.5, 1, rf_energy=30, indication="stretch_marks", tip="body")
    saved = log_session(db, clinic.derm, session_entry(clinic, belly, device_id=rf.id, cartridge_lot=None,
                                                       lot_expires=None))
    assert _stored_areas(db, saved.id) == [("abdomen", "stretch_marks", "body", 2.5, 30)]
    assert _read_back(db, saved.id) == (belly,)
    with db.reading() as session:
        facts = load_record(OrmReader(session), saved.id).facts
    assert facts.device_model is not None and facts.device_model.tip("body") is not None
    assert facts.device_model.energy_unit == "level" and "stretch_marks" in facts.indications
    wrong = AreaInput("cheeks", 0.75, 1, rf_energy=30, tip="body")  # the body tip starts at 1.0 mm
    draft = save_draft(db, clinic.derm, session_entry(clinic, wrong, device_id=rf.id, cartridge_lot=None,
                                                      lot_expires=None))
    with db.reading() as session:
        record = load_record(OrmReader(session), draft.id)
    assert "depth_tip" in _codes(assess_session(record.entry, record.facts).errors)


@pytest.fixture
def clinic_files(db: Database, owner: Actor, samples: Path) -> Database:
    import_practitioners(db, owner, samples / "practitioners.csv")
    import_clients(db, owner, samples / "clients.csv")
    import_sessions(db, owner, samples / "sessions.csv")
    return db


def _import(db: Database, owner: Actor, tmp_path: Path, header: str, *rows: str) -> int:
    path = tmp_path / "sessions.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return import_sessions(db, owner, path).records


def _last_session(db: Database) -> int:
    with db.reading() as session:
        return max(session.scalars(select(SessionArea.session_id)))


@pytest.mark.parametrize(("header", "row"), [
    (HEADER, ROW.format(area="acne_scars", depth="1.75")),  # today's format: the indication as the area
    (HEADER + ",indication", ROW.format(area="cheeks", depth="1.75") + ",acne_scars"),
    (HEADER + ",indication", ROW.format(area="acne_scars", depth="1.75") + ",acne_scars"),
])
def test_an_imported_indication_lands_on_its_site_and_reads_back_as_the_form_would(
        clinic_files: Database, owner: Actor, tmp_path: Path, header: str, row: str) -> None:
    assert _import(clinic_files, owner, tmp_path, header, row) == 1
    sid = _last_session(clinic_files)
    assert _stored_areas(clinic_files, sid) == [("cheeks", "acne_scars", None, 1.75, None)]
    assert _read_back(clinic_files, sid) == (ACNE_CHEEKS,)


def test_an_indication_without_a_default_site_is_read_as_site_not_recorded(
        clinic_files: Database, owner: Actor, tmp_path: Path) -> None:
    assert _import(clinic_files, owner, tmp_path, HEADER, ROW.format(area="scars", depth="1.5")) == 1
    assert _stored_areas(clinic_files, _last_session(clinic_files)) == [("site_not_recorded", "scars", None, 1.5,
                                                                         None)]


def test_the_site_the_owner_sets_is_where_an_imported_indication_lands(
        clinic_files: Database, owner: Actor, tmp_path: Path) -> None:
    assert set_indication_site(clinic_files, owner, "scars", "back")
    assert _import(clinic_files, owner, tmp_path, HEADER, ROW.format(area="scars", depth="1.5")) == 1
    assert _stored_areas(clinic_files, _last_session(clinic_files)) == [("back", "scars", None, 1.5, None)]


def test_an_unknown_area_lists_the_sites_and_the_indications(
        clinic_files: Database, owner: Actor, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(clinic_files, owner, tmp_path, HEADER, ROW.format(area="kneecap", depth="1.5"))
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (2, "area")
    assert "one of forehead" in problem.problem and "or an indication read onto its site: acne_scars" in problem.problem


def test_a_tip_and_energy_import_from_their_own_columns(clinic_files: Database, owner: Actor, tmp_path: Path) -> None:
    row = ("P-1001,2026-07-02T09:30:00,mbrandt,,Morpheus8,M8-77,,,abdomen,2.5,1,,,,stretch_marks,body,30")
    assert _import(clinic_files, owner, tmp_path, HEADER + ",indication,tip,rf_energy", row) == 1
    assert _stored_areas(clinic_files, _last_session(clinic_files)) == [("abdomen", "stretch_marks", "body", 2.5,
                                                                         30.0)]


@pytest.mark.parametrize(("cells", "column", "words"), [
    ("cheeks,1.75,2,,,,acne,", "indication",
     "'acne' is not allowed; one of acne_scars, hair_loss, rejuvenation, scars, stretch_marks, texture"),
    ("acne_scars,1.75,2,,,,scars,", "area", "'acne_scars' is an indication, and the indication cell says 'scars'"),
    ("cheeks,0.75,2,,,,,body", "tip", "'body' is not allowed; the SkinPen Precision has no tips on record"),
])
def test_a_bad_indication_or_tip_refuses_the_file_naming_the_cell(
        clinic_files: Database, owner: Actor, tmp_path: Path, cells: str, column: str, words: str) -> None:
    before = count_sessions(clinic_files)
    row = "P-1001,2026-07-02T09:30:00,mbrandt,,SkinPen Precision,SPP-00871,SP14-3390,2026-12-31," + cells
    with pytest.raises(ImportRefused) as refused:
        _import(clinic_files, owner, tmp_path, HEADER + ",indication,tip", row)
    assert [(p.line, p.column) for p in refused.value.problems] == [(2, column)]
    assert words in refused.value.problems[0].problem
    assert count_sessions(clinic_files) == before


def test_an_unknown_tip_of_a_device_with_tips_lists_its_tips(
        clinic_files: Database, owner: Actor, tmp_path: Path) -> None:
    row = "P-1001,2026-07-02T09:30:00,mbrandt,,Morpheus8,M8-77,,,abdomen,2.5,1,,,,,huge"
    with pytest.raises(ImportRefused) as refused:
        _import(clinic_files, owner, tmp_path, HEADER + ",indication,tip", row)
    assert [(p.line, p.column, p.problem) for p in refused.value.problems] == [
        (2, "tip", "'huge' is not allowed; one of prime, facial, body")]

"""Sites and indications in the session form's autosave (issue 17): a legacy autosave opens as the indication on its
site, an area not on record is named. The rows themselves are tested in test_area_rows.py, the map in
test_face_map.py."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.values import AreaInput
from clinic_log.services.sessions.form_drafts import save_form_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.session_form import form_key
from tests.ui.session_form_helpers import open_form
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_legacy_autosave_opens_as_the_indication_on_its_site_with_a_note(qtbot: QtBot, user: UserSession, db: Database,
                                                                          clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    state = {"practitioner_id": clinic.derm_id, "areas": [  # as the form stored it before its state had a version
        {"code": "acne_scars", "depth": "1.5", "passes": "3", "technique": None, "endpoint": "", "rf_energy": ""},
        {"code": "forehead", "depth": "0.4", "passes": "1", "technique": None, "endpoint": "", "rf_energy": ""}]}
    form.close()
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), state)
    again = open_form(qtbot, db, user, clinic)
    assert again.area_rows.codes() == ["cheeks", "forehead"]
    row = again.area_rows.rows[0]
    assert row.indication.currentData() == "acne_scars"
    assert row.depth.text() == "1.5" and row.passes.text() == "3"  # as typed
    assert row.note.isVisible() and row.note.text() == "read as Acne scars (atrophic) on Cheeks: check the site"
    assert not again.area_rows.rows[1].note.isVisible()
    assert again.face_map.chosen == {"cheeks", "forehead"}
    entry = again.entry()
    assert entry is not None and entry.areas[0] == AreaInput("cheeks", 1.5, 3, indication="acne_scars")
    # the note is kept with the form: closing and opening again still shows it
    assert again.state().areas[0].notes == (("legacy", "read as Acne scars (atrophic) on Cheeks: check the site"),)


def test_an_area_code_not_on_record_is_named_not_dropped_unseen(qtbot: QtBot, user: UserSession, db: Database,
                                                                clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
    state = {**form.state().to_json(), "areas": [{"area_code": "elbows", "depth_mm": "1", "passes": "1"}]}
    form.close()
    save_form_draft(db, clinic.derm, form_key(clinic.client_id), state)
    again = open_form(qtbot, db, user, clinic)
    assert again.area_rows.codes() == []
    assert "Not restored: area 'elbows'" in again.panel.status.text()

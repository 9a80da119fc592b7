"""A saved draft session as the form's state (draft_state.py): opened in the form with every value, saved again in
place."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.values import AreaInput, ComplicationInput, ProductInput
from clinic_log.services.sessions.session_form_state import ProductsState
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.sessions import save_draft
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.draft_state import form_state
from clinic_log.ui.sessions.form.session_form import SessionFormDialog
from tests.ui.dialogs import opens
from tests.ui.session_form_helpers import stored
from tests.ui.window_helpers import make_window
from tests.unit.services.helpers import Clinic, session_entry


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_a_saved_draft_opens_in_the_form_and_saving_replaces_it(qtbot: QtBot, user: UserSession, db: Database,
                                                                db_path: Path, clinic: Clinic) -> None:
    entry = session_entry(clinic, AreaInput("forehead", 0.5, 2), AreaInput("neck", 0.75, 3),
                          notes="left early; finish the log later",
                          products=(ProductInput("Numbing cream", 25), ProductInput("Hyaluronic serum")),
                          complications=(ComplicationInput("erythema", 1),))
    draft = save_draft(db, clinic.derm, entry)
    window = make_window(qtbot, db, user, db_path)
    dialog = window.open_session(draft.id)
    assert dialog is not None and dialog.edit_button.isVisible() and not dialog.amend_button.isVisible()
    with opens(qtbot, SessionFormDialog, window) as new:
        qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    form = new.widget
    assert form.session_id == draft.id
    assert [(r.area.code, r.depth.value(), r.passes.value()) for r in form.area_rows.rows] == [
        ("forehead", 0.5, 2), ("neck", 0.75, 3)]
    assert form.notes.toPlainText() == "left early; finish the log later"
    assert form.products.numbing.isChecked() and form.products.contact.value() == 25
    assert form.products.serum.currentText() == "Hyaluronic serum"
    assert [c.state().code for c in form.complications.rows] == ["erythema"]
    form.area_rows.rows[1].passes.setText("4")
    with qtbot.waitSignal(form.draft_saved) as saved:
        form.save_draft_now()
    assert saved.args[0] == draft.id  # the same draft, not a second session
    stored_areas = [(a.area_code, a.depth_mm, a.passes) for a in get_session(db, draft.id).areas]
    assert stored_areas == [("forehead", 0.5, 2), ("neck", 0.75, 4)]
    assert stored(db_path, "SELECT count(*) FROM sessions WHERE client_id = ?", clinic.client_id) == [(2,)]
    products = {(p.name, p.contact_minutes) for p in get_session(db, draft.id).products}
    assert products == {("Numbing cream", 25), ("Hyaluronic serum", None)}


def test_a_drafts_products_map_back_to_the_boxes_they_were_typed_in(db: Database, clinic: Clinic) -> None:
    """The first product that is neither numbing cream nor PRP goes back to the serum box, the rest to "other"."""
    draft = save_draft(db, clinic.derm, session_entry(clinic, products=(
        ProductInput("Numbing cream"), ProductInput("Peptide serum"), ProductInput("PRP (platelet-rich plasma)"),
        ProductInput("post-procedure balm"), ProductInput("SPF 50"))))
    state = form_state(get_session(db, draft.id))
    assert state.products == ProductsState(numbing=True, contact_minutes="", serum="Peptide serum", prp=True,
                                           other="post-procedure balm, SPF 50")


def test_a_draft_without_numbing_cream_leaves_the_contact_time_to_the_form(db: Database, clinic: Clinic,
                                                                          local_zone_los_angeles: None) -> None:
    draft = save_draft(db, clinic.derm, session_entry(clinic, AreaInput("cheeks", 1.75, 2, indication="acne_scars"),
                                                      course_index=2, course_total=4))
    detail = get_session(db, draft.id)
    state = form_state(detail)
    assert state.products.contact_minutes is None  # not stored: the field keeps its default
    assert (state.session_id, state.session_version) == (draft.id, detail.version)
    assert [(a.area_code, a.depth_mm, a.passes, a.indication) for a in state.areas] == [
        ("cheeks", "1.75", "2", "acne_scars")]
    assert (state.course_index, state.course_total, state.cartridge_lot) == ("2", "4", "SP14-1")
    assert state.started_at == "2026-07-01T02:30:00"  # 09:30 UTC, shown in local time as the form writes it

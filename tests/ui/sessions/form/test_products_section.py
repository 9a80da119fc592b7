"""Products applied (products_section.py): numbing cream and its contact time kept as typed, serum, PRP, others."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from tests.ui.session_form_helpers import checked, open_form, stored, type_into
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_contact_time_is_kept_as_typed_and_a_bad_one_is_named(qtbot: QtBot, db: Database, db_path: Path,
                                                              clinic: Clinic) -> None:
    form = open_form(qtbot, db, clinic)
    form.toggle_area("forehead")
    form.products.numbing.setChecked(True)
    type_into(qtbot, form.products.contact, "4.5")
    assert form.products.contact.text() == "4.5"
    checked(qtbot, form, lambda: any(m.startswith("Error: Contact time: '4.5' is not allowed")
                                     for m in form.panel.messages()))
    assert not form.sign_button.isEnabled()
    type_into(qtbot, form.products.contact, "150")
    assert form.save_draft_now()
    assert stored(db_path, "SELECT name, contact_minutes FROM session_products WHERE session_id = ?",
                  form.session_id) == [("Numbing cream", 150)]

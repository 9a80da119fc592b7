"""Products applied (products_section.py): numbing cream and its contact time kept as typed, serum, PRP, others."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.values import ProductInput
from clinic_log.services.sessions.session_form_state import ProductsState
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.products_section import ProductsSection
from tests.ui.session_form_helpers import checked, open_form, stored, type_into
from tests.unit.services.helpers import Clinic


@pytest.fixture
def clinic(chairside: Clinic) -> Clinic:
    return chairside


def test_contact_time_is_kept_as_typed_and_a_bad_one_is_named(qtbot: QtBot, user: UserSession, db: Database,
                                                              db_path: Path, clinic: Clinic) -> None:
    form = open_form(qtbot, db, user, clinic)
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


@pytest.fixture
def products(qtbot: QtBot) -> ProductsSection:
    section = ProductsSection()
    qtbot.addWidget(section)
    return section


def test_each_product_is_listed_once_as_typed_and_other_products_split_at_commas(products: ProductsSection) -> None:
    products.serum.setCurrentText("  Peptide serum ")
    products.prp.setChecked(True)
    products.other.setText("post-procedure balm, , SPF 50 ")
    assert products.values() == (ProductInput("Peptide serum"), ProductInput("PRP (platelet-rich plasma)"),
                                 ProductInput("post-procedure balm"), ProductInput("SPF 50"))


def test_without_numbing_cream_the_contact_time_is_off_and_neither_stored_nor_refused(
        products: ProductsSection) -> None:
    assert not products.contact.isEnabled() and products.contact.text() == "30"
    products.contact.setText("half an hour")
    assert products.values() == () and products.typing_problems() == []
    products.numbing.setChecked(True)
    assert products.contact.isEnabled()
    [problem] = products.typing_problems()
    assert problem.field == "products.contact_minutes"
    assert products.values() == (ProductInput("Numbing cream", None),)  # the time left out, named by the problem


def test_a_contact_time_not_stored_leaves_the_default_and_a_stored_one_comes_back(products: ProductsSection) -> None:
    products.restore(ProductsState(numbing=True, contact_minutes=None, serum="", prp=False, other=""))
    assert products.contact.text() == "30"
    products.restore(ProductsState(numbing=True, contact_minutes="45", serum="Exosome serum", prp=True, other="balm"))
    assert products.state() == ProductsState(numbing=True, contact_minutes="45", serum="Exosome serum", prp=True,
                                             other="balm")

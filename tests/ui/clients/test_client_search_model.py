"""The client search model: a page of matching clients at a time in name order, a dash for what is not on file,
each row's client id, and no client shown twice when the list shifts while the user scrolls."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.services.clients import clients
from clinic_log.services.clients.clients import ClientDetails
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.ui.clients.client_search_model import ClientSearchModel


def every_ref(model: ClientSearchModel) -> list[str]:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.client_row(r).client_ref for r in range(model.rowCount())]


def add(db: Database, owner: Actor, ref: str, first: str, last: str, born: date | None = None,
        phone: str | None = None) -> int:
    return clients.create_client(db, owner, ClientDetails(ref, first, last, born, phone)).id


def test_search_model_is_a_valid_lazy_model(qtmodeltester: ModelTester, db: Database, owner: Actor) -> None:
    generate_demo(db, owner, clients=30, sessions=0, seed=2)
    model = ClientSearchModel(db, page_size=7)
    assert model.rowCount() == 7 and model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 30 and len({model.client_id(r) for r in range(30)}) == 30
    checked = ClientSearchModel(db, page_size=7)
    qtmodeltester.check(checked)
    checked.set_query("zofia")
    qtmodeltester.check(checked)


def test_a_row_shows_name_ref_birth_date_and_phone_with_a_dash_for_what_is_not_on_file(db: Database,
                                                                                        owner: Actor) -> None:
    ana = add(db, owner, "P-1", "Ana", "Silva", date(1991, 5, 17), "+351 912 345 678")
    bo = add(db, owner, "P-2", "Bo", "Berg")
    model = ClientSearchModel(db)
    cells = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert cells == [["Ana Silva", "P-1", "1991-05-17", "+351 912 345 678"], ["Bo Berg", "P-2", "—", "—"]]
    assert [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(2)] == [ana, bo]
    assert model.index(1, 3).data(Qt.ItemDataRole.ToolTipRole) == "—"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Name", "Client ref", "Date of birth", "Phone"]


def test_a_new_query_shows_only_its_matches_and_a_blank_one_everyone_again(db: Database, owner: Actor) -> None:
    for ref, first, last in (("P-1", "Ana", "Silva"), ("P-2", "Bo", "Berg"), ("P-3", "Anaïs", "Roux")):
        add(db, owner, ref, first, last)
    model = ClientSearchModel(db, page_size=2)
    model.set_query("ANA")
    assert model.query == "ANA" and every_ref(model) == ["P-1", "P-3"]
    model.set_query("")
    assert every_ref(model) == ["P-1", "P-3", "P-2"]


def test_refresh_shows_a_client_added_meanwhile(db: Database, owner: Actor) -> None:
    add(db, owner, "P-1", "Bo", "Berg")
    model = ClientSearchModel(db, query="b")
    assert every_ref(model) == ["P-1"]
    add(db, owner, "P-2", "Ben", "Brook")  # at another workstation
    model.refresh()
    assert model.query == "b" and every_ref(model) == ["P-2", "P-1"]


def test_a_client_added_while_the_user_scrolls_does_not_show_a_row_twice(db: Database, owner: Actor) -> None:
    for n, first in enumerate(("Cara", "Dana", "Emil", "Fay", "Gus"), start=1):
        add(db, owner, f"P-{n}", first, "Lind")
    model = ClientSearchModel(db, page_size=2)
    assert [model.client_row(r).first_name for r in range(model.rowCount())] == ["Cara", "Dana"]
    add(db, owner, "P-9", "Abe", "Lind")  # sorts first: every later page starts one row further back
    every_ref(model)  # scroll to the end
    names = [model.client_row(r).first_name for r in range(model.rowCount())]
    assert names == ["Cara", "Dana", "Emil", "Fay", "Gus"]  # Dana came back on the next page: shown once

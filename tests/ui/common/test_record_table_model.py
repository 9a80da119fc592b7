"""The short read-only table of records (users, practitioners, credentials): one row a record, its columns' text,
deactivated rows greyed, and the record behind a row for the page's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester

from clinic_log.ui.common.record_table_model import RecordTableModel


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    active: bool


LOGINS = [Login("owner", "Owner", True), Login("jdoyle", "Practitioner", False), Login("desk", "Reception", True)]


def logins_model() -> RecordTableModel[Login]:
    model: RecordTableModel[Login] = RecordTableModel(
        [("Username", lambda u: u.username), ("Role", lambda u: u.role)], muted=lambda u: not u.active)
    model.set_records(LOGINS)
    return model


def test_the_model_passes_the_model_tester_filled_and_refilled(qtmodeltester: ModelTester) -> None:
    model = logins_model()
    qtmodeltester.check(model)
    model.set_records(LOGINS[:1])
    qtmodeltester.check(model)
    model.set_records([])
    qtmodeltester.check(model)


def test_each_record_is_one_row_with_its_columns_text_and_the_same_as_tooltip() -> None:
    model = logins_model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Username", "Role"]
    assert [[model.index(r, c).data() for c in range(2)] for r in range(model.rowCount())] == [
        ["owner", "Owner"], ["jdoyle", "Practitioner"], ["desk", "Reception"]]
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) == "Practitioner"  # a narrow column's full text
    assert model.record(2) == LOGINS[2] and model.records() == LOGINS


def test_only_a_muted_record_is_greyed() -> None:
    model = logins_model()
    greyed = [isinstance(model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole), QBrush)
              for r in range(model.rowCount())]
    assert greyed == [False, True, False]


def test_the_records_handed_out_are_a_copy_the_table_keeps_its_own() -> None:
    model = logins_model()
    model.records().clear()
    assert model.rowCount() == 3 and model.index(5, 0).data() is None
    assert model.rowCount(model.index(0, 0)) == 0 and model.rowCount(QModelIndex()) == 3  # a flat table

"""The read-only table of computed rows (recall, dashboard, timeline): text as given, numbers right-aligned, a key
and tooltips per row, and a view that selects one whole row and cannot be edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.rows_table_model import RowsTableModel, fit_columns, make_table_view

ROWS = [("Dr Maria Brandt", "120", "3"), ("Jane Doyle", "8", "0")]


def rates() -> RowsTableModel:
    model = RowsTableModel(("Practitioner", "Sessions", "Adverse"), numeric=(1, 2))
    model.set_rows(ROWS, keys=[11, 12], tooltips=[None, (None, "Only 8 sessions")])
    return model


def test_the_model_passes_the_model_tester_with_and_without_keys(qtmodeltester: ModelTester) -> None:
    model = rates()
    qtmodeltester.check(model)
    model.set_rows(ROWS[:1])
    qtmodeltester.check(model)


def test_rows_show_as_given_with_their_key_and_numbers_right_aligned() -> None:
    model = rates()
    assert [[model.index(r, c).data() for c in range(3)] for r in range(2)] == [list(row) for row in ROWS]
    assert model.text(1, 0) == "Jane Doyle"
    assert [model.index(r, 2).data(Qt.ItemDataRole.UserRole) for r in range(2)] == [11, 12] == [
        model.key(0), model.key(1)]  # e.g. the session a double-click opens
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    aligned = [Qt.AlignmentFlag(model.index(0, c).data(Qt.ItemDataRole.TextAlignmentRole)) & right for c in range(3)]
    assert aligned[0] != right and aligned[1] == aligned[2] == right
    assert Qt.AlignmentFlag(model.headerData(1, Qt.Orientation.Horizontal,
                                             Qt.ItemDataRole.TextAlignmentRole)) & right == right  # header over them


def test_a_tooltip_shows_only_on_the_cells_given_one() -> None:
    model = rates()
    tips = [[model.index(r, c).data(Qt.ItemDataRole.ToolTipRole) for c in range(3)] for r in range(2)]
    assert tips == [[None, None, None], [None, "Only 8 sessions", None]]  # a short tooltip row: the rest have none


def test_rows_without_keys_have_none() -> None:
    model = RowsTableModel(("Lot", "Expires"))
    model.set_rows([("SP14-1", "2027-01-31")])
    assert model.key(0) is None and model.index(0, 0).data(Qt.ItemDataRole.UserRole) is None


def test_the_view_selects_one_whole_row_cannot_edit_and_caps_column_widths(qtbot: QtBot) -> None:
    model = RowsTableModel(("Client", "Notes", "Area"))
    model.set_rows([("Amélie Durand", "x" * 400, "Cheeks"), ("Bartłomiej Wiśniewski", "short", "Neck")])
    view = make_table_view(model, "Recalled sessions")
    qtbot.addWidget(view)
    view.resize(1200, 300)
    view.show()
    assert view.accessibleName() == "Recalled sessions"
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    view.selectRow(1)
    assert [(i.row(), i.column()) for i in view.selectionModel().selectedIndexes()] == [(1, 0), (1, 1), (1, 2)]
    view.selectRow(0)
    assert {i.row() for i in view.selectionModel().selectedIndexes()} == {0}  # one row at a time
    fit_columns(view, widest=150)
    assert 0 < view.columnWidth(0) <= 150  # sized to the names, at most the widest allowed
    assert view.columnWidth(1) == 150  # 400 characters of notes do not push the area off the screen

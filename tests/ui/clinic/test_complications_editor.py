"""The complication paragraphs editor: one row per complication type, its name fixed and its paragraph editable;
the edits read back trimmed by code, a paragraph left empty not stored (the sheet then prints the type's own
instructions), and a paragraph with a problem shown with the cursor in it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_log.services.clinic.templates import ComplicationParagraph
from clinic_log.ui.clinic.complications_editor import LABEL, TEXT, ComplicationsEditor

PARAGRAPHS = [
    ComplicationParagraph("erythema", "Erythema", "Redness settles within two days.", True),
    ComplicationParagraph("hsv_reactivation", "HSV reactivation (cold sores)", "Call us today.", True),
    ComplicationParagraph("pih", "Post-inflammatory hyperpigmentation", "Use sunscreen.", False),
]


def make_editor(qtbot: QtBot) -> ComplicationsEditor:
    editor = ComplicationsEditor()
    qtbot.addWidget(editor)
    editor.set_paragraphs(PARAGRAPHS)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_each_complication_type_is_a_row_with_its_name_fixed_and_its_paragraph_editable(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    table = editor.table
    assert table.rowCount() == 3
    names = [table.item(r, LABEL) for r in range(3)]
    assert [item.text() for item in names] == ["Erythema", "HSV reactivation (cold sores)",
                                               "Post-inflammatory hyperpigmentation"]
    assert all(not item.flags() & Qt.ItemFlag.ItemIsEditable for item in names)
    assert all(table.item(r, TEXT).flags() & Qt.ItemFlag.ItemIsEditable for r in range(3))
    assert names[2].toolTip() == "pih"  # the code the template stores it under


def test_the_edits_read_back_by_code_trimmed_and_an_empty_paragraph_is_not_stored(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    editor.set_paragraph("erythema", "  Redness settles within 48 hours.\n")
    editor.set_paragraph("pih", "   ")
    assert editor.paragraphs() == {"erythema": "Redness settles within 48 hours.", "hsv_reactivation": "Call us today."}


def test_showing_paragraphs_again_replaces_the_rows(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    editor.set_paragraphs(PARAGRAPHS[:1])
    assert editor.table.rowCount() == 1 and editor.paragraphs() == {"erythema": "Redness settles within two days."}


def test_a_paragraph_with_a_problem_gets_the_cursor_and_an_unknown_code_is_refused(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.select_paragraph("pih")
    assert (editor.table.currentRow(), editor.table.currentColumn()) == (2, TEXT)
    assert editor.table.hasFocus()
    with pytest.raises(KeyError):
        editor.row_of("no_such_type")
    editor.select_paragraph("no_such_type")  # a problem with no row of its own: the table still gets the focus
    assert editor.table.hasFocus() and editor.table.currentRow() == 2

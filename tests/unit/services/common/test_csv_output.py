"""CSV the app writes is safe to open in a spreadsheet: a cell that a spreadsheet would read as a formula (=, +, -,
@, tab, CR, LF, their full-width forms, even behind spaces) gets a leading apostrophe; other text and numbers are
written as they are."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_log.services.common.csv_output import FORMULA_STARTS, safe_row, safe_writer, spreadsheet_safe

FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR",
            "\nLF", "＝1+1", "＋1", "－1", "＠A1")


@pytest.mark.parametrize("typed", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_a_leading_quote(typed: str) -> None:
    assert spreadsheet_safe(typed) == "'" + typed


@pytest.mark.parametrize("value", ["Zofia", "P-1", "", "a=b", "ok -1", 1.5, 3, None])
def test_ordinary_cells_and_numbers_are_left_as_they_are(value: object) -> None:
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("typed", [" =1+1", "   @SUM(A1:A2)", " \t-3"])
def test_spaces_in_front_of_a_formula_do_not_make_it_safe(typed: str) -> None:
    assert spreadsheet_safe(typed) == "'" + typed


def test_an_export_written_through_the_safe_writer_reads_back_with_formulas_neutralised() -> None:
    handle = io.StringIO(newline="")
    writer = safe_writer(handle, ["client_ref", "notes", "depth_mm", "passes", "lot"])
    writer.writerow(["=1+1", "+44 20 7946 0000", 0.5, 2, None])
    writer.writedict({"lot": "@LOT-1", "notes": "-2+3 looked fine", "client_ref": "P-1", "depth_mm": 1.25},
                     ["client_ref", "notes", "depth_mm", "passes", "lot"])
    writer.writerows([["\tTAB", "\rCR", "fine", 3, "SP14-1"]])
    text = handle.getvalue()
    assert text.startswith("client_ref,notes,depth_mm,passes,lot\r\n")
    assert list(csv.reader(io.StringIO(text, newline="")))[1:] == [
        ["'=1+1", "'+44 20 7946 0000", "0.5", "2", ""],
        ["P-1", "'-2+3 looked fine", "1.25", "", "'@LOT-1"],
        ["'\tTAB", "'\rCR", "fine", "3", "SP14-1"],
    ]


@settings(max_examples=60)
@given(st.lists(st.one_of(st.none(), st.integers(), st.floats(allow_nan=False),
                          st.text(alphabet=st.sampled_from([*FORMULA_STARTS, " ", "a", "1", "'"]), max_size=6),
                          st.text(max_size=6))))
def test_every_row_cell_is_made_safe_by_the_same_rule_as_one_value(values: list[object]) -> None:
    assert safe_row(values) == ["" if v is None else spreadsheet_safe(v) for v in values]

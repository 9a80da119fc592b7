"""Writing CSV that is safe to open in a spreadsheet: every text cell that a spreadsheet could read as a formula
gets a leading apostrophe (OWASP's advice on CSV injection); used by every CSV the app writes.

Only text is changed. Numbers the app writes from numeric columns (ids, depth, passes, RF energy, grades) are
written as numbers and never prefixed: a spreadsheet must still be able to sum them. JSON is not changed (it is
not opened by spreadsheets, and its readers need what was typed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TypeVar

# = + - @ start a formula in Excel, LibreOffice and Google Sheets; TAB, CR and LF at the start can hide one
# (some import dialogs trim them); the full-width forms are turned into the ASCII ones by some spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_STARTS = frozenset(FORMULA_STARTS)

T = TypeVar("T")


def spreadsheet_safe(value: T) -> T | str:
    """`value` with a leading `'` when it is text that a spreadsheet would read as a formula; else unchanged.

    Spaces in front do not make such text safe (some spreadsheets trim them), so they are looked past."""
    if isinstance(value, str) and _is_formula(value):
        return "'" + value
    return value


def _is_formula(text: str) -> bool:
    first = text[:1]
    return first in _STARTS or (first == " " and text.lstrip(" ")[:1] in _STARTS)


def safe_row(values: Iterable[object]) -> list[object]:
    """One CSV row with every cell made safe; None becomes an empty cell. (The rule of spreadsheet_safe, written
    out: this runs for every cell of a million-row export.)"""
    return ["" if v is None else "'" + v if type(v) is str and (v[:1] in _STARTS or (
        v[:1] == " " and v.lstrip(" ")[:1] in _STARTS)) else v for v in values]


def safe_writer(handle: IO[str], header: Sequence[str], *, lineterminator: str = "\r\n") -> SafeCsvWriter:
    """A CSV writer on `handle` whose header is already written."""
    writer = SafeCsvWriter(handle, lineterminator)
    writer.writerow(header)
    return writer


class SafeCsvWriter:
    """csv.writer that neutralises every cell it writes; the only way the app writes CSV."""

    def __init__(self, handle: IO[str], lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(handle, lineterminator=lineterminator)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def writedict(self, row: Mapping[str, object], columns: Sequence[str]) -> None:
        self.writerow([row.get(c) for c in columns])

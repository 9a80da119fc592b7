"""Read an import CSV (UTF-8 with or without BOM, header row, columns in any order) and parse cells."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from clinic_log.domain.errors import ImportRefused, LineProblem

T = TypeVar("T")


class CsvRow(NamedTuple):
    """One data row: its line number in the file and its cells by column name (a tuple: cheap to make by the
    hundred thousand, and read-only like a frozen dataclass)."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell's text, stripped (read_rows strips every cell once)."""
        return self.values.get(column, "")


def read_rows(path: Path, columns: Sequence[str]) -> list[CsvRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise ImportRefused([LineProblem(1, ", ".join(missing),
                                                 f"missing column(s); the header must name {', '.join(columns)}")])
            rows = []
            strip = str.strip
            for values in reader:
                cells = list(map(strip, values))
                if any(cells):
                    rows.append(CsvRow(reader.line_num, dict(zip(header, cells, strict=False))))
            return rows
    except UnicodeDecodeError as exc:
        raise ImportRefused([LineProblem(0, "file", f"not UTF-8 text ({exc.reason}); save it as UTF-8")]) from None
    except FileNotFoundError:
        raise ImportRefused([LineProblem(0, "file", f"{path} does not exist")]) from None


class CellError(ValueError):
    """A cell could not be parsed; the message says what is allowed."""


@lru_cache(maxsize=4096)  # imports repeat the same dates on many rows
def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date; use YYYY-MM-DD") from None


@lru_cache(maxsize=4096)
def parse_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date and time; use YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.astimezone()  # naive = the clinic's local time


def parse_float(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number; {what}") from None


def parse_int(text: str, low: int, high: int, what: str) -> int:
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise CellError(f"{text!r} is not allowed; {what}")
    return int(text)


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes", "y", "1"):
        return True
    if lowered in ("false", "no", "n", "0", ""):
        return False
    raise CellError(f"{text!r} is not allowed; true or false")


class ProblemList:
    """Collects every bad cell of a file so all of them are reported at once."""

    def __init__(self) -> None:
        self.problems: list[LineProblem] = []

    def add(self, line: int, column: str, problem: str) -> None:
        self.problems.append(LineProblem(line, column, problem))

    def cell(self, row: CsvRow, column: str, parse: Callable[[str], T], required: bool = True) -> T | None:
        text = row.values.get(column, "")
        if not text:
            if required:
                self.add(row.line, column, "required")
            return None
        try:
            return parse(text)
        except CellError as exc:
            self.add(row.line, column, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportRefused(sorted(self.problems, key=lambda p: (p.line, p.column)))

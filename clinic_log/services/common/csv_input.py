"""Read an import CSV strictly and one row at a time (UTF-8 with or without BOM, header row, columns in any order),
and parse its cells; every problem becomes `line N: column: problem`, never a traceback.

One reader for the CLI, the GUI and every kind of import. Strict means: a quote that is opened and never closed, a
character after a closing quote, a row with more or fewer cells than the header, a header naming a column twice, a
NUL or other control character in a cell, a cell longer than its column allows: each is a problem of its line, and
the file is refused. Rows are yielded as they are read, so memory does not grow with the file.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from clinic_log.domain.errors import DomainError, ImportRefused, InvalidValue, LineProblem
from clinic_log.domain.numbers import parse_decimal, parse_whole
from clinic_log.services.common.clock import to_utc_naive

T = TypeVar("T")

MAX_SHOWN = 50  # problems listed in full; the rest are counted ("and N more")
NOTES_LIMIT = 10_000  # characters of free text in one cell
DEFAULT_LIMIT = 200  # characters of any other cell, unless the column says otherwise
# Control characters other than tab and line breaks (which a quoted note may hold) are refused in every cell:
# a NUL byte would otherwise reach PostgreSQL, which rejects it with its whole SQL statement.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bytes that are not UTF-8 are read as these stand-ins (errors="surrogateescape"), so each is reported at its line
# and column instead of the whole file failing at an unknown place.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Years a clinic record can have; outside them a date is a typo (and year 1 with +14:00 does not exist in UTC).
FIRST_YEAR, LAST_YEAR = 1900, 2199


class CsvRow(NamedTuple):
    """One data row: the line it starts on and its cells by column name (stripped)."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell's text, stripped (the reader strips every cell once)."""
        return self.values.get(column, "")


class UnreadableFile(DomainError):
    """The file itself cannot be read as a CSV (missing, a folder, no permission, not UTF-8): one line naming it."""


class ProblemList:
    """Collects the problems of a file so all of them are reported at once (the first MAX_SHOWN in full)."""

    def __init__(self) -> None:
        self.problems: list[LineProblem] = []
        self.more = 0  # problems found beyond MAX_SHOWN, counted only

    def __len__(self) -> int:
        return len(self.problems) + self.more

    def add(self, line: int, column: str, problem: str) -> None:
        if len(self.problems) < MAX_SHOWN:
            self.problems.append(LineProblem(line, column, problem))
        else:
            self.more += 1

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

    def refusal(self) -> ImportRefused:
        shown = sorted(self.problems, key=lambda p: (p.line, p.column))
        if self.more:
            last = shown[-1].line if shown else 0
            shown.append(LineProblem(last, "…", f"and {self.more} more problem(s) after these"))
        return ImportRefused(shown)

    def raise_if_any(self) -> None:
        if self:
            raise self.refusal()


class CellError(ValueError):
    """A cell could not be parsed; the message says what is allowed."""


def file_digest(path: Path) -> str:
    """SHA-256 of the file, read in chunks (a large import is never held in memory whole)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> UnreadableFile:
    if isinstance(exc, FileNotFoundError):
        why = "does not exist"
    elif isinstance(exc, IsADirectoryError) or path.is_dir():
        why = "is a folder, not a CSV file"
    elif isinstance(exc, PermissionError):
        why = "cannot be read (no permission)"
    else:
        why = f"cannot be read ({exc.strerror or exc})"
    return UnreadableFile(f"{path}: {why}; nothing was imported")


class CsvReader:
    """The rows of one import file, read strictly: iterate it once; problems of lines and cells go to `problems`
    and the bad rows are not yielded. `chars_read` (about the bytes read) and `size` feed a progress display."""

    def __init__(self, path: Path, columns: Sequence[str], problems: ProblemList,
                 limits: Mapping[str, int] | None = None, optional: Sequence[str] = ()) -> None:
        self.path = path
        self.columns = tuple(columns)
        self.optional = frozenset(optional)  # read and checked when the header names them; not required
        self.problems = problems
        self.limits = dict(limits or {})
        self.chars_read = 0
        try:
            self.size = path.stat().st_size
        except OSError as exc:
            raise _unreadable(path, exc) from None
        if path.is_dir():
            raise _unreadable(path, IsADirectoryError())

    def _lines(self, handle: Iterator[str]) -> Iterator[str]:
        for line in handle:
            self.chars_read += len(line)
            yield line

    def __iter__(self) -> Iterator[CsvRow]:
        try:
            with self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
                yield from self._rows(handle)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{self.path}: not UTF-8 text ({exc.reason} near byte {exc.start + 1:,} of "
                                 "a chunk); save it as UTF-8; nothing was imported") from None
        except OSError as exc:
            raise _unreadable(self.path, exc) from None

    def _rows(self, handle: Iterator[str]) -> Iterator[CsvRow]:
        reader = csv.reader(self._lines(handle), strict=True)
        problems = self.problems
        header = self._header(reader)
        if header is None:
            return
        width = len(header)
        limits = [self.limits.get(name, DEFAULT_LIMIT) for name in header]
        wanted = [name in self.columns or name in self.optional for name in header]
        control = _CONTROL.search
        not_utf8 = _NOT_UTF8.search
        strip = str.strip
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.add(start, "row", _csv_problem(str(exc)))
                last_line = reader.line_num
                continue
            last_line = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # a blank line
            if len(values) != width:
                problems.add(start, "row", f"{len(values)} cells, but the header has {width}; quote a cell that "
                             "holds a comma (\"like, this\") and give every row one cell per column")
                continue
            cells = list(map(strip, values))
            bad = False
            for name, text, limit, used in zip(header, cells, limits, wanted, strict=True):
                if not text or not used:
                    continue
                if len(text) > limit:
                    problems.add(start, name, f"too long ({len(text):,} characters; at most {limit:,})")
                    bad = True
                elif control(text):
                    problems.add(start, name, "holds a control character (such as a NUL byte); remove it")
                    bad = True
                elif odd := not_utf8(text):
                    problems.add(start, name, _not_utf8(odd.group()))
                    bad = True
            if bad:
                continue
            if any(cells):
                yield CsvRow(start, dict(zip(header, cells, strict=True)))

    def _header(self, reader: Iterator[list[str]]) -> list[str] | None:
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            self.problems.add(1, "header", _csv_problem(str(exc)))
            return None
        if not any(header):
            self.problems.add(1, "header", f"the file is empty; the header must name {', '.join(self.columns)}")
            return None
        odd = [m for h in header if (m := _NOT_UTF8.search(h))]
        if odd:
            self.problems.add(1, "header", _not_utf8(odd[0].group()))
            return None
        seen: set[str] = set()
        for name in header:
            if name in seen and name:
                self.problems.add(1, name, "the header names this column twice; keep one")
            seen.add(name)
        missing = [c for c in self.columns if c not in header]
        if missing:
            self.problems.add(1, ", ".join(missing),
                              f"missing column(s); the header must name {', '.join(self.columns)}")
        if len(seen) != len(header) or missing:
            return None
        return header


def _not_utf8(stand_in: str) -> str:
    return (f"not UTF-8 text (a byte 0x{ord(stand_in) - 0xDC00:02X}); save the file as UTF-8 (in Excel: "
            "CSV UTF-8)")


def _csv_problem(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a cell is longer than {csv.field_size_limit():,} characters; split or shorten it"
    if "unexpected end of data" in message or "EOF" in message:
        return ("a quote (\") opened on this line is never closed, so every line after it would be read into one "
                "cell; close the quote or remove it")
    if "expected after" in message:
        return ("a closing quote (\") is followed by other text; inside a quoted cell write a quote as two "
                "quotes (\"\")")
    return f"not valid CSV ({message})"


def read_rows(path: Path, columns: Sequence[str], limits: Mapping[str, int] | None = None) -> list[CsvRow]:
    """Every good row of a small file (practitioners, clients); refused whole with the problems when any."""
    problems = ProblemList()
    rows = list(CsvReader(path, columns, problems, limits))
    problems.raise_if_any()
    return rows


def _invalid(exc: InvalidValue) -> CellError:
    return CellError(f"{exc.value!r} is not allowed; {exc.allowed}")


@lru_cache(maxsize=4096)  # imports repeat the same dates on many rows
def parse_date(text: str) -> date:
    try:
        if not text.isascii():
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CellError(f"{text!r} is not allowed; a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


@lru_cache(maxsize=4096)  # zone-independent: the text as written, with or without its offset
def _parse_moment(text: str) -> datetime:
    try:
        if not text.isascii() or len(text) > 40:
            raise ValueError
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date and time; use YYYY-MM-DDTHH:MM") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise CellError(f"{text!r} is not allowed; a year from {FIRST_YEAR} to {LAST_YEAR}")
    return moment


def parse_datetime(text: str) -> datetime:
    """An aware datetime: with its own offset, or (naive) in the clinic's local time zone, read at each call since
    the process's zone may change."""
    moment = _parse_moment(text)
    if moment.tzinfo is None:
        try:
            moment = moment.astimezone()  # naive = the clinic's local time
        except (OverflowError, ValueError, OSError):
            raise CellError(f"{text!r} is not allowed; a year from {FIRST_YEAR} to {LAST_YEAR}") from None
    return moment


def utc_stamp(moment: datetime, text: str) -> datetime:
    """`moment` as stored (naive UTC), or CellError when it has no UTC equivalent."""
    try:
        return to_utc_naive(moment)
    except (OverflowError, ValueError):
        raise CellError(f"{text!r} is not allowed; a year from {FIRST_YEAR} to {LAST_YEAR}") from None


def parse_float(text: str, what: str) -> float:
    """An exact decimal as the chairside form reads it (digits, one point or comma): never nan, inf or 1e309."""
    try:
        return parse_decimal(text, "", what)
    except InvalidValue as exc:
        raise _invalid(exc) from None


def parse_int(text: str, low: int, high: int, what: str) -> int:
    """A whole number of ASCII digits from `low` to `high` (`²` or `٣` are not digits here)."""
    try:
        value = parse_whole(text, "", what) if text.isascii() else None
    except InvalidValue:
        value = None
    if value is None or not low <= value <= high:
        raise CellError(f"{text!r} is not allowed; {what}")
    return value


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes", "y", "1"):
        return True
    if lowered in ("false", "no", "n", "0", ""):
        return False
    raise CellError(f"{text!r} is not allowed; true or false")
